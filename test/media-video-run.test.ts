import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeOf } from '../src/core/errors.ts';
import { MediaError } from '../src/media/errors.ts';
import { rngFor } from '../src/core/random.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { renderSummary } from '../src/run/summary.ts';
import { randomScene } from '../sample-data/generator/scene.ts';
import { encodeClip } from '../sample-data/generator/video.ts';

const TASK = new URL('./support/video-task.ts', import.meta.url).pathname;
const BACKEND = new URL('./support/video-backend.ts', import.meta.url).pathname;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'media-run-data-'));
  const item = (k: number) => ({ id: `q${k}`, file: `clip${k}.mp4`, answer: '3' });
  for (let k = 0; k < 6; k++) {
    await writeFile(join(dataDir, `clip${k}.mp4`), await encodeClip(randomScene(rngFor('media-run', k), `c${k}`, { moving: true }), { seconds: 2, size: 32 }));
  }
  // Damaged inside with its structure whole: it passes the probe run before the draw (src/media/probe.ts), so the
  // run meets it when it decodes the clip.
  const box = (type: string, body: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + body.length, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, body]);
  };
  const noise = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 73 + 11) % 256));
  await writeFile(join(dataDir, 'broken.mp4'), Buffer.concat([box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2', 'latin1')), box('moov', noise(200)), box('mdat', noise(2000))]));
  const clips = {
    support: [0, 1, 2].map(item),
    query: [3, 4, 5].map(item).concat([{ id: 'q-broken', file: 'broken.mp4', answer: '3' }]),
  };
  await writeFile(join(dataDir, 'clips.json'), JSON.stringify(clips));
});

function options(flags: Record<string, unknown>) {
  const resultsDir = mkdtempSync(join(tmpdir(), 'media-run-results-'));
  return parseRunOptions({ task: TASK, model: BACKEND, data: dataDir, resultsDir, quiet: true, shots: '2', ...flags });
}

test('--on-media-error fail (default): the run stops on the broken video, naming it, with exit code 2', async () => {
  await assert.rejects(evaluate(options({})), (error: unknown) => {
    assert.ok(error instanceof MediaError, String(error));
    assert.match(error.message, /broken\.mp4: not a readable video file/);
    assert.equal(exitCodeOf(error), 2);
    return true;
  });
});

test('--on-media-error skip: the example is recorded as skipped and counted, the rest is scored', async () => {
  const opts = options({ onMediaError: 'skip', frames: 'uniform:3', seeds: '1,2' });
  const [outcome] = await evaluate(opts);
  const record = outcome!.record;
  for (const trial of record.trials) {
    assert.equal(trial.n, 3);
    assert.equal(trial.skipped, 1);
    const broken = trial.examples.find((e) => e.id === 'q-broken')!;
    assert.match(broken.skipped!, /broken\.mp4: not a readable video file/);
    assert.equal(broken.score, undefined);
    // --frames reached the backend: every readable clip gave 3 frames.
    assert.deepEqual(trial.examples.filter((e) => !e.skipped).map((e) => [e.answer, e.score]), [['3', 100], ['3', 100], ['3', 100]]);
    assert.equal(trial.metrics.accuracy, 100);
  }
  assert.deepEqual(record.config.frames, { mode: 'uniform', frames: 3 });
  assert.equal(record.config.onMediaError, 'skip');
  assert.match(renderSummary([outcome!], false), /tiny-video 2-shot: 2 examples skipped \(unreadable media, --on-media-error skip\), not scored; first: .*broken\.mp4/);
  // A rerun resumes the scored examples and tries the skipped ones again.
  const [again] = await evaluate(opts);
  assert.equal(again!.record.timings.resumedExamples, 6);
  assert.equal(again!.record.trials[0]!.skipped, 1);
});

test('the default sampling is flamingo (30 frames), recorded in the config', async () => {
  const [outcome] = await evaluate(options({ onMediaError: 'skip' }));
  assert.deepEqual(outcome!.record.config.frames, { mode: 'flamingo', frames: 30, fps: 3 });
  const answers = outcome!.record.trials[0]!.examples.filter((e) => !e.skipped).map((e) => e.answer);
  assert.deepEqual(answers, ['30', '30', '30']);
});

test('--frames values are checked, and --protocol flamingo keeps the paper sampling', () => {
  assert.throws(() => options({ frames: 'uniform:0' }), /--frames uniform:0/);
  assert.throws(() => options({ frames: 'uniform:8', protocol: 'flamingo' }), /cannot be combined with --protocol flamingo/);
  assert.throws(() => options({ onMediaError: 'ignore' }), /--on-media-error ignore: expected one of fail, skip/);
});
