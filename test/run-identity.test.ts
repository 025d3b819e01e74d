// A run's configuration identity: runs that differ in anything that changes their numbers (data, --limit, generation,
// the model's files) write different records, resume only their own journal and say when another configuration's
// journal is there; sample data is flagged wherever it lives.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import { evaluate, type EvaluateIO } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { RunRecord } from '../src/core/types.ts';
import { SAMPLE_MARKER, sampleDataDir } from '../src/core/sample-data.ts';

function tempDir(name = 'flamingo-identity-'): string {
  return mkdtempSync(join(tmpdir(), name));
}

async function run(flags: Record<string, unknown>, io: EvaluateIO = {}) {
  clearFileIndex();
  const [outcome] = await evaluate(
    parseRunOptions({ task: 'okvqa', model: 'baseline:majority', shots: '2', quiet: true, ...flags }),
    io,
  );
  return outcome!;
}

function records(resultsDir: string, model = 'baseline-majority'): string[] {
  return readdirSync(join(resultsDir, model)).filter((name) => name.endsWith('.json')).sort();
}

function journals(resultsDir: string, model = 'baseline-majority'): string[] {
  return readdirSync(join(resultsDir, model, 'journals')).filter((name) => name.endsWith('.jsonl')).sort();
}

/**
 * A copy of the OK-VQA sample that is not the sample: no marker, one val answer changed, and every annotation file
 * rewritten (indented), so that none has the content of a sample file.
 */
function officialLikeCopy(): string {
  const dir = tempDir('okvqa-official-');
  cpSync(sampleDataDir('okvqa'), join(dir, 'okvqa'), { recursive: true });
  rmSync(join(dir, 'okvqa', SAMPLE_MARKER));
  for (const name of readdirSync(join(dir, 'okvqa')).filter((file) => file.endsWith('.json'))) {
    const file = join(dir, 'okvqa', name);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    if (name === 'mscoco_val2014_annotations.json') json.annotations[0].answers[0].answer = 'something else';
    writeFileSync(file, JSON.stringify(json, null, 1));
  }
  return dir;
}

test('a sample run after an official run writes its own record; the official one stays', async () => {
  const resultsDir = tempDir();
  const official = await run({ resultsDir, data: officialLikeCopy() });
  assert.equal(official.record.data.sample, false);
  assert.match(official.path, /\/okvqa-2shot-[0-9a-f]{8}\.json$/);
  const sample = await run({ resultsDir });
  assert.equal(sample.record.data.sample, true);
  assert.match(sample.path, /\/okvqa-2shot-sample-[0-9a-f]{8}\.json$/);
  assert.deepEqual(records(resultsDir).length, 2);
  assert.equal((JSON.parse(readFileSync(official.path, 'utf8')) as RunRecord).data.sample, false);
  // Different data, different journals: the sample run computed its examples rather than reuse the official ones.
  assert.equal(sample.record.timings.resumedExamples, 0);
  assert.equal(journals(resultsDir).length, 2);
  assert.notEqual(official.record.config.identity, sample.record.config.identity);
  assert.deepEqual(
    Object.keys(official.record.config.identityParts as object).filter(
      (part) => (official.record.config.identityParts as Record<string, string>)[part] !== (sample.record.config.identityParts as Record<string, string>)[part],
    ),
    ['data'],
  );
});

test('a copy of the sample data passed with --data is flagged as sample data, and is the same configuration', async () => {
  const resultsDir = tempDir();
  const builtin = await run({ resultsDir });
  const copy = tempDir('okvqa-copy-');
  cpSync(sampleDataDir('okvqa'), join(copy, 'nested', 'okvqa'), { recursive: true });
  const copied = await run({ resultsDir, data: copy });
  assert.equal(copied.record.data.sample, true);
  assert.equal(copied.path, builtin.path, 'the same files are the same configuration, wherever they are');
  // Without the marker, the files themselves are known sample files.
  const bare = tempDir('okvqa-bare-');
  cpSync(sampleDataDir('okvqa'), bare, { recursive: true });
  rmSync(join(bare, SAMPLE_MARKER));
  assert.equal((await run({ resultsDir: tempDir(), data: bare })).record.data.sample, true);
});

test('--limit and generation overrides are other records; a larger --limit reuses the journal', async () => {
  const resultsDir = tempDir();
  const small = await run({ resultsDir, limit: '5' });
  const large = await run({ resultsDir, limit: '9' });
  const whole = await run({ resultsDir });
  assert.match(small.path, /okvqa-2shot-sample-limit5-[0-9a-f]{8}\.json$/);
  assert.match(large.path, /okvqa-2shot-sample-limit9-[0-9a-f]{8}\.json$/);
  assert.equal(large.record.timings.resumedExamples, 5);
  assert.equal(new Set([small.path, large.path, whole.path]).size, 3);
  assert.equal(journals(resultsDir).length, 1, 'one journal: --limit does not change any example');
  const beams = await run({ resultsDir, numBeams: '1', maxNewTokens: '3' });
  assert.notEqual(beams.path, whole.path);
  assert.match(beams.path, /okvqa-2shot-sample-[0-9a-f]{8}\.json$/);
  assert.equal(beams.record.timings.resumedExamples, 0);
  assert.equal(journals(resultsDir).length, 2);
  assert.equal(records(resultsDir).length, 4);
});

const BACKEND = (answer: string) => `
export default {
  info: () => ({ name: 'edited-model', family: 'test', parameters: 1, contextLength: 100 }),
  async generate(requests) { return requests.map(() => ({ text: ${JSON.stringify(answer)} })); },
  async rank(requests) { return requests.map((r) => ({ logLikelihoods: r.candidates.map(() => 0) })); },
  async close() {},
};
`;

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

/** The CLI in its own process (a module edited between runs must be imported afresh). */
function cli(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, '--task', 'okvqa', '--shots', '2', '--limit', '6', '--json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(result.status, 0, result.stderr);
  const [row] = JSON.parse(result.stdout) as { record: string }[];
  return { stderr: result.stderr, path: row!.record, record: JSON.parse(readFileSync(row!.record, 'utf8')) as RunRecord };
}

test('a model whose files changed (same name, same spec) is another configuration: its own journal, and it says so', () => {
  const dir = tempDir('edited-model-');
  const module = join(dir, 'model.mjs');
  writeFileSync(module, BACKEND('red'));
  const resultsDir = tempDir();
  const first = cli(['--model', module, '--results-dir', resultsDir]);
  assert.ok(first.record.trials[0]!.examples.every((example) => example.raw === 'red'));
  writeFileSync(module, BACKEND('blue'));
  const second = cli(['--model', module, '--results-dir', resultsDir]);
  assert.ok(second.record.trials[0]!.examples.every((example) => example.raw === 'blue'), 'no prediction of the old model reused');
  assert.equal(second.record.timings.resumedExamples, 0);
  assert.notEqual(second.path, first.path);
  assert.equal(journals(resultsDir, 'edited-model').length, 2);
  assert.match(
    second.stderr,
    /okvqa 2-shot: not resuming .*journals\/okvqa-2shot-[0-9a-f]{16}\.jsonl \(6 examples\): it was written under another configuration \(it differs in: model\)/,
  );
  // The same command again resumes its own journal and says nothing about the other.
  const third = cli(['--model', module, '--results-dir', resultsDir]);
  assert.equal(third.record.timings.resumedExamples, 6);
  assert.equal(third.path, second.path);
  assert.doesNotMatch(third.stderr, /not resuming/);
});

test('journals of earlier versions and of other configurations are found and described; a task without used files is told apart by --data', async () => {
  const { otherJournals } = await import('../src/run/journal.ts');
  const { dataIdentity, identityOf } = await import('../src/run/identity.ts');
  const dir = tempDir('journals-');
  writeFileSync(join(dir, 'okvqa-4shot-0123456789abcdef.jsonl'), '{"journal":"flamingo-eval","configHash":"0123456789abcdef","config":{"journalFormat":1}}\n{"seed":42,"example":{"id":"1"}}\n');
  writeFileSync(join(dir, 'okvqa-4shot-fedcba9876543210.shard1of2.jsonl'), '{"journal":"flamingo-eval","configHash":"fedcba9876543210","config":{"parts":{"model":"aaaaaaaa"}}}\n');
  writeFileSync(join(dir, 'okvqa-4shot-rices-1111111111111111.jsonl'), '{}\n');
  writeFileSync(join(dir, 'okvqa-4shot-2222222222222222.jsonl'), '{}\n');
  assert.deepEqual(otherJournals(dir, 'okvqa-4shot', '2222222222222222'), [
    { path: join(dir, 'okvqa-4shot-0123456789abcdef.jsonl'), parts: undefined, examples: 1 },
    { path: join(dir, 'okvqa-4shot-fedcba9876543210.shard1of2.jsonl'), parts: { model: 'aaaaaaaa' }, examples: 0 },
  ]);
  const a = identityOf({ data: dataIdentity([], false, undefined, '/data/a') });
  const b = identityOf({ data: dataIdentity([], false, undefined, '/data/b') });
  assert.notEqual(a.hash, b.hash);
  const file = { role: 'questions', path: '/data/a/q.json', bytes: 10, sha256: 'f'.repeat(64) };
  assert.equal(
    identityOf({ data: dataIdentity([file], false, undefined, '/data/a') }).hash,
    identityOf({ data: dataIdentity([{ ...file, path: '/elsewhere/q.json' }], false, undefined, '/elsewhere') }).hash,
  );
});
