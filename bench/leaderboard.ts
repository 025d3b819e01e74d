// How long `flamingo-eval leaderboard` takes over a results folder of full-protocol records, against parsing each
// record whole. Run: node --import tsx bench/leaderboard.ts [records] [examples-per-record]
// Writes seeded synthetic records (32-shot prompts, the largest kind) to a temporary folder and removes it after.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaderboard } from '../src/commands/leaderboard.ts';
import { findRecordFiles } from '../src/leaderboard/records.ts';
import { rngFor } from '../src/core/random.ts';

const records = Number(process.argv[2] ?? 12);
const examplesPerRecord = Number(process.argv[3] ?? 1024);
const shots = 32;

function syntheticRecord(index: number): unknown {
  const rng = rngFor('bench-leaderboard', index);
  const word = () => Math.floor(rng() * 1e6).toString(36);
  const examples = Array.from({ length: examplesPerRecord }, (_, q) => {
    const prompt = [];
    for (let s = 0; s < shots; s++) {
      prompt.push({ type: 'media', media: { kind: 'image', id: `img${q}-${s}`, path: `/data/coco/val2014/COCO_val2014_${word()}.jpg` } });
      prompt.push({ type: 'text', text: `Question: what is the ${word()} on the ${word()}? Answer: ${word()}` });
      prompt.push({ type: 'end_of_chunk' });
    }
    return { id: `q${q}`, demonstrations: prompt.filter((p) => p.type === 'media').map((_, s) => `d${s}`), prompt, raw: word(), answer: word(), score: 100 * rng(), backendMs: 10 * rng() };
  });
  const model = `model-${index % 3}`;
  return {
    tool: { name: 'flamingo-eval', version: 'bench' },
    createdAt: new Date(Date.UTC(2026, 10, 27, 6, index)).toISOString(),
    config: { sampler: 'random', promptStyle: 'paper' },
    model: { name: model, family: 'bench', parameters: 1e6 * (1 + (index % 3)), contextLength: 2048, spec: model },
    task: { id: `task-${Math.floor(index / 3)}`, title: 'bench', modality: 'image', kind: 'generate', metric: 'vqa_accuracy' },
    shots,
    data: { sample: false, files: [], querySize: examplesPerRecord, supportSize: 2048 },
    trials: [{ seed: 42, metrics: { vqa_accuracy: 50 }, n: examplesPerRecord, skipped: 0, examples }],
    summary: { primary: 'vqa_accuracy', n: examplesPerRecord, metrics: { vqa_accuracy: { mean: 50, std: 0 } } },
    timings: { totalMs: 1, backendMs: 1, mediaMs: 0 },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-leaderboard-'));
try {
  for (let i = 0; i < records; i++) {
    // The layout the run writes (src/run/record.ts): JSON.stringify(record, null, 1).
    writeFileSync(join(dir, `r${i}.json`), `${JSON.stringify(syntheticRecord(i), null, 1)}\n`);
  }
  const files = await findRecordFiles([dir]);
  const megabytes = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;

  let started = performance.now();
  const board = await leaderboard([dir], { format: 'csv', paper: true, colour: false });
  const leaderboardMs = performance.now() - started;

  started = performance.now();
  for (const file of files) JSON.parse(readFileSync(file, 'utf8'));
  const wholeParseMs = performance.now() - started;

  console.log(`${records} records x ${examplesPerRecord} examples (${shots}-shot prompts), ${megabytes.toFixed(0)} MB`);
  console.log(`leaderboard (head and tail of each record): ${leaderboardMs.toFixed(0)} ms, ${(leaderboardMs / records).toFixed(1)} ms/record`);
  console.log(`JSON.parse of each record whole:            ${wholeParseMs.toFixed(0)} ms, ${(wholeParseMs / records).toFixed(1)} ms/record`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ${board.split('\n').length - 2} rows`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
