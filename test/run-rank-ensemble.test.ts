// Prompt ensembling (--prompt-ensemble n) for close-ended tasks: min(n, shots!) distinct orderings of the chosen
// demonstrations, the first the sampler's own, keyed like every random choice; candidates' log-likelihoods averaged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { UsageError } from '../src/core/errors.ts';
import { extraOrderings, meanLogLikelihoods, orderingCount } from '../src/run/ensemble.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { Example, Shot } from '../src/core/types.ts';

const FAKE_RANK_TASK = new URL('./support/fake-rank-task.ts', import.meta.url).pathname;
const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;

function shots(ids: string[]): Shot[] {
  return ids.map((id) => ({ example: { id, media: [], fields: {}, target: id, reference: null } as Example, withMedia: true }));
}

const ids = (ordering: Shot[]) => ordering.map((shot) => shot.example.id);

test('min(n, shots!) orderings', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 8].map((k) => orderingCount(6, k)),
    [1, 1, 2, 6, 6, 6],
  );
  assert.equal(orderingCount(1, 5), 1);
  assert.equal(orderingCount(30, 4), 24);
});

test('the extra orderings are distinct permutations of the shots, never the original, keyed by query', () => {
  const original = shots(['a', 'b', 'c', 'd']);
  const extra = extraOrderings(original, 6, 42, 'task', 'q1');
  assert.equal(extra.length, 5);
  const keys = new Set([ids(original).join(), ...extra.map((o) => ids(o).join())]);
  assert.equal(keys.size, 6);
  for (const ordering of extra) assert.deepEqual([...ids(ordering)].sort(), ['a', 'b', 'c', 'd']);
  assert.deepEqual(extraOrderings(original, 6, 42, 'task', 'q1').map(ids), extra.map(ids));
  assert.notDeepEqual(extraOrderings(original, 6, 42, 'task', 'q2').map(ids), extra.map(ids));
  assert.notDeepEqual(extraOrderings(original, 6, 43, 'task', 'q1').map(ids), extra.map(ids));
  // Three shots, six orderings: all 3! permutations, each once.
  const all = [shots(['a', 'b', 'c']), ...extraOrderings(shots(['a', 'b', 'c']), 6, 1, 't', 'q')].map((o) => ids(o).join(''));
  assert.deepEqual(all.sort(), ['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
  assert.deepEqual(extraOrderings(shots(['a']), 6, 1, 't', 'q'), []);
});

test('the ensemble score is the mean log-likelihood per candidate', () => {
  assert.deepEqual(meanLogLikelihoods([[-1, -2], [-3, -4], [-2, -6]]), [-2, -4]);
  assert.deepEqual(meanLogLikelihoods([[-0.5, -1.5]]), [-0.5, -1.5]);
});

function recordingBackend(dir: string): string {
  const file = join(dir, 'recording-backend.mjs');
  // Scores depend on the prompt's text, so each ordering scores differently.
  writeFileSync(
    file,
    'export const seen = [];\n' +
      'const text = (p) => p.map((part) => part.type === "text" ? part.text : part.type === "media" ? `<${part.media.id}>` : "|").join("");\n' +
      'const hash = (s) => { let h = 7; for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) % 1000003; return h; };\n' +
      "export default { info: () => ({ name: 'recorder', family: 'test', parameters: 1, contextLength: 64 }),\n" +
      '  async generate(requests) { return requests.map(() => ({ text: "red" })); },\n' +
      '  async rank(requests) { return requests.map((r) => {\n' +
      '    const scores = r.candidates.map((c) => -(hash(text(r.prompt) + c) % 997) / 100);\n' +
      '    seen.push({ text: text(r.prompt), scores }); return { logLikelihoods: scores }; }); },\n' +
      '  async close() {} };\n',
  );
  return file;
}

test('--prompt-ensemble 6 at 3 shots scores six orderings per query, records them, and averages their scores', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-ensemble-'));
  try {
    const backendFile = recordingBackend(dir);
    const run = () =>
      evaluate(
        parseRunOptions({ task: FAKE_RANK_TASK, model: backendFile, shots: '3', limit: '4', promptEnsemble: '6', resultsDir: dir, quiet: true }),
      );
    const [outcome] = await run();
    const { seen } = (await import(backendFile)) as { seen: unknown[] };
    assert.equal(seen.length, 4 * 6);
    const record = outcome!.record;
    assert.equal(record.config.promptEnsemble, 6);
    assert.match(basename(outcome!.path), /-ensemble6-sample-limit4-[0-9a-f]{8}\.json$/);
    for (const example of record.trials[0]!.examples) {
      const orderings = example.permutations!;
      assert.equal(orderings.length, 6);
      assert.deepEqual(orderings[0], example.demonstrations);
      assert.equal(new Set(orderings.map((o) => o.join())).size, 6);
      for (const o of orderings) assert.deepEqual([...o].sort(), [...example.demonstrations].sort());
      // The recorded scores are the mean of what the backend gave for the six prompts.
      assert.equal(example.candidateScores!.length, 3);
      const best = example.candidateScores!.indexOf(Math.max(...example.candidateScores!));
      assert.equal(example.answer, ['red', 'green', 'blue'][best]);
    }
    // Resumed from its own journal: no new backend calls.
    seen.length = 0;
    const [again] = await run();
    assert.equal(seen.length, 0);
    assert.deepEqual(again!.record.trials, record.trials);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the averaged scores equal the mean of separate runs over each ordering', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-ensemble-'));
  try {
    const backendFile = recordingBackend(dir);
    const [outcome] = await evaluate(
      parseRunOptions({ task: FAKE_RANK_TASK, model: backendFile, shots: '2', limit: '3', promptEnsemble: '6', resultsDir: dir, quiet: true }),
    );
    const { seen } = (await import(backendFile)) as { seen: { text: string; scores: number[] }[] };
    assert.equal(seen.length, 3 * 2, 'two shots: two orderings');
    for (const example of outcome!.record.trials[0]!.examples) {
      assert.equal(example.permutations!.length, 2);
      assert.deepEqual(example.permutations![1], [...example.demonstrations].reverse());
      const last = example.prompt[example.prompt.length - 1]!;
      const ending = `<${(example.prompt[example.prompt.length - 2] as { media: { id: string } }).media.id}>${(last as { text: string }).text}`;
      const own = seen.filter((s) => s.text.endsWith(ending));
      assert.equal(own.length, 2);
      assert.notDeepEqual(own[0]!.scores, own[1]!.scores);
      const mean = own[0]!.scores.map((s, c) => (s + own[1]!.scores[c]!) / 2);
      assert.deepEqual(example.candidateScores, mean);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plain runs are unchanged: no orderings, and open-ended tasks ignore --prompt-ensemble', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-ensemble-'));
  try {
    const backendFile = recordingBackend(dir);
    const [plain] = await evaluate(
      parseRunOptions({ task: FAKE_RANK_TASK, model: backendFile, shots: '3', limit: '2', resultsDir: dir, quiet: true }),
    );
    assert.equal(plain!.record.config.promptEnsemble, 1);
    assert.ok(plain!.record.trials[0]!.examples.every((e) => e.permutations === undefined));
    assert.doesNotMatch(basename(plain!.path), /ensemble/);
    const [open] = await evaluate(
      parseRunOptions({ task: FAKE_TASK, model: backendFile, shots: '2', limit: '2', promptEnsemble: '6', resultsDir: dir, quiet: true }),
    );
    assert.equal(open!.record.config.promptEnsemble, null);
    assert.ok(open!.record.trials[0]!.examples.every((e) => e.permutations === undefined));
    assert.ok(existsSync(open!.path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--prompt-ensemble must be a positive integer', () => {
  for (const bad of ['0', '-1', 'six', '2.5']) {
    assert.throws(() => parseRunOptions({ task: FAKE_RANK_TASK, promptEnsemble: bad }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /--prompt-ensemble/);
      return true;
    });
  }
});
