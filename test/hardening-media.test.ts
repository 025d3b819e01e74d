// Hardening: media are what they claim. A PNG or JPEG named like a video is refused as a video (or skipped under
// --on-media-error skip), and an over-long text (a 1 MB question) fails only its own example, with a clear message:
// no stack overflow, and its batch mates are answered as if it were not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, RequestError } from '../src/core/errors.ts';
import { rngFor } from '../src/core/random.ts';
import type { Prompt } from '../src/core/types.ts';
import { MediaError } from '../src/media/errors.ts';
import { FLAMINGO_SAMPLING } from '../src/media/sampling.ts';
import { readVideo } from '../src/media/video.ts';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { Journal } from '../src/run/journal.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { randomScene } from '../sample-data/generator/scene.ts';
import { encodeClip } from '../sample-data/generator/video.ts';

const sample = new URL('../sample-data/', import.meta.url).pathname;
const JPEG = join(sample, 'okvqa/val2014', readdirSync(join(sample, 'okvqa/val2014')).find((n) => n.endsWith('.jpg'))!);
const PNG = join(sample, 'hatefulmemes/img', readdirSync(join(sample, 'hatefulmemes/img')).find((n) => n.endsWith('.png'))!);

test('a JPEG named .avi and a PNG named .mp4 are refused as videos, with every frame sampling', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fe-fake-video-'));
  const avi = join(dir, 'clip.avi');
  const mp4 = join(dir, 'clip.mp4');
  copyFileSync(JPEG, avi);
  copyFileSync(PNG, mp4);
  for (const path of [avi, mp4]) {
    for (const sampling of [FLAMINGO_SAMPLING, { mode: 'uniform', frames: 4 } as const, { mode: 'fps', fps: 1, maxFrames: 8 } as const]) {
      await assert.rejects(readVideo({ kind: 'video', id: 'x', path }, { sampling }), (error: unknown) => {
        assert.ok(error instanceof MediaError, String(error));
        assert.match(error.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: an image \\((jpeg|png)\\), not a video, despite its name`));
        return true;
      });
    }
  }
  // A real clip still reads.
  const real = join(dir, 'real.mp4');
  await writeFile(real, await encodeClip(randomScene(rngFor('fake-video', 1), 'c1', { moving: true }), { seconds: 2, size: 32 }));
  assert.ok((await readVideo({ kind: 'video', id: 'r', path: real }, { sampling: FLAMINGO_SAMPLING })).frames.length > 0);
});

test('a run meets an image named .mp4: it stops naming the file, or skips the example under --on-media-error skip', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fe-fake-video-run-'));
  for (let k = 0; k < 5; k++) {
    await writeFile(join(dataDir, `clip${k}.mp4`), await encodeClip(randomScene(rngFor('fake-video-run', k), `c${k}`, { moving: true }), { seconds: 2, size: 32 }));
  }
  copyFileSync(PNG, join(dataDir, 'still.mp4'));
  const item = (id: string, file: string) => ({ id, file, answer: '3' });
  await writeFile(join(dataDir, 'clips.json'), JSON.stringify({
    support: [item('s0', 'clip0.mp4'), item('s1', 'clip1.mp4')],
    query: [item('q2', 'clip2.mp4'), item('q-still', 'still.mp4'), item('q3', 'clip3.mp4')],
  }));
  const flags = (extra: Record<string, unknown>) => parseRunOptions({
    task: new URL('./support/video-task.ts', import.meta.url).pathname,
    model: new URL('./support/video-backend.ts', import.meta.url).pathname,
    data: dataDir, resultsDir: mkdtempSync(join(tmpdir(), 'fe-fake-video-results-')), quiet: true, shots: '0', ...extra,
  });
  await assert.rejects(evaluate(flags({})), /still\.mp4: an image \(png\), not a video/);
  const [outcome] = await evaluate(flags({ onMediaError: 'skip' }));
  const examples = outcome!.record.trials[0]!.examples;
  assert.match(examples.find((e) => e.id === 'q-still')!.skipped!, /still\.mp4: an image \(png\), not a video/);
  assert.equal(examples.filter((e) => e.skipped === undefined).length, 2);
});

const MODEL = join(MODELS_DIR, 'flamingo-tiny-s');
const settings = { maxNewTokens: 3, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true };
const LONG = `Question: ${'why '.repeat(250_000)}Answer:`; // 1 MB

test('the ONNX backend: a 1 MB question is refused as its own request, without a stack overflow', async () => {
  const backend = await OnnxFlamingoBackend.open(MODEL, { threads: 1 });
  try {
    const short: Prompt = [{ type: 'text', text: 'Question: what colour is it? Answer:' }];
    await assert.rejects(backend.generate([{ prompt: short, ...settings }, { prompt: [{ type: 'text', text: LONG }], ...settings }]), (error: unknown) => {
      assert.ok(error instanceof RequestError, String(error));
      assert.equal(error.request, 1);
      assert.match(error.message, /the prompt is \d{6,} tokens long, more than the model's context length of \d+/);
      return true;
    });
    await assert.rejects(backend.rank([{ prompt: [{ type: 'text', text: LONG }], candidates: ['yes', 'no'], lengthNormalize: false }]), RequestError);
  } finally {
    await backend.close();
  }
});

test('a run: the 1 MB question fails only its own example; its batch mates get the answers they get without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fe-long-text-'));
  const taskFile = (name: string, withLong: boolean) => {
    const path = join(dir, `${name}.js`);
    writeFileSync(path, `const q = (id, question) => ({ id, media: [], fields: { question }, target: 'red', reference: 'red' });
const LONG = ${JSON.stringify(LONG)};
export default {
  id: 'long-text', title: 'long text', modality: 'image', kind: 'generate', splits: { support: 'train', query: 'test' }, files: [],
  templates: { paper: {
    demonstration: (shot) => [{ type: 'text', text: 'Question: ' + shot.example.fields.question + ' Answer: red' }, { type: 'end_of_chunk' }],
    query: (e) => [{ type: 'text', text: e.fields.question.startsWith('Question:') ? e.fields.question : 'Question: ' + e.fields.question + ' Answer:' }],
  } },
  generation: ${JSON.stringify(settings)},
  postprocess: (raw) => raw.trim(),
  metric: 'exact_match',
  async load() {
    const query = [q('a', 'what colour is it?'), q('b', 'is it big?')${withLong ? ", q('long', LONG)" : ''}, q('c', 'where is it?')];
    return { support: [], query, files: [], sample: false };
  },
  score(items) {
    const perItem = items.map((it) => (it.answer === 'red' ? 100 : 0));
    return { metrics: { exact_match: perItem.reduce((a, b) => a + b, 0) / Math.max(1, perItem.length) }, primary: 'exact_match', perItem };
  },
};
`);
    return path;
  };
  const run = (task: string, extra: Record<string, unknown> = {}) =>
    parseRunOptions({ task, model: 'flamingo-tiny-s', shots: '0', zeroShotTextDemos: '0', batchSize: '4', threads: '1', resultsDir: join(dir, 'results'), quiet: true, ...extra });
  const [reference] = await evaluate(run(taskFile('without-long', false)));
  const answers = new Map(reference!.record.trials[0]!.examples.map((e) => [e.id, e.raw]));

  // Default policy: the run stops naming the example; its batch mates are in the journal, answered as without it.
  const withLong = taskFile('with-long', true);
  await assert.rejects(evaluate(run(withLong)), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, /^example long \(seed 42\): the prompt is \d+ tokens long, more than the model's context length/);
    return true;
  });
  const journals = join(dir, 'results', 'flamingo-tiny-s', 'journals');
  const journalFile = readdirSync(journals).find((n) => n.startsWith('long-text-0shot') && n.endsWith('.jsonl'))!;
  const journal = Journal.open({ dir: journals, base: journalFile.replace(/\.jsonl$/, '') }, journalFile.replace(/^.*-([0-9a-f]+)\.jsonl$/, '$1'), {}, false);
  const journaled = new Map([...journal.entries.values()].map((e) => [e.example.id, e.example.raw]));
  journal.close();
  assert.deepEqual(journaled, answers);

  // Under --on-media-error skip the run finishes, the long question skipped with the reason.
  const [skipped] = await evaluate(run(withLong, { onMediaError: 'skip' }));
  const examples = skipped!.record.trials[0]!.examples;
  assert.match(examples.find((e) => e.id === 'long')!.skipped!, /the prompt is \d+ tokens long/);
  for (const e of examples.filter((x) => x.id !== 'long')) assert.equal(e.raw, answers.get(e.id));
});
