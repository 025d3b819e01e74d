// Context-use figures and ablation records in what reads records: leaderboard --diagnostics (terminal, Markdown, CSV),
// the report's Context use panels, and the plot's extra (dotted) lines; records without figures show none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaderboard } from '../src/commands/leaderboard.ts';
import { plotSvg } from '../src/commands/plot.ts';
import { buildReport } from '../src/report/build.ts';
import type { ContextUse } from '../src/core/types.ts';
import { writeRecords } from './support/report-records.ts';

function figures(copy: number, yes: number | null, no: number | null): ContextUse {
  return {
    n: 3,
    copy,
    copyChance: 20,
    last: copy / 2,
    lastChance: 10,
    majority: copy,
    majorityChance: 15,
    answerInContext: { yes: { n: yes === null ? 0 : 2, score: yes }, no: { n: no === null ? 0 : 1, score: no } },
  };
}

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'context-readers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeRecords(dir, [
    { model: 'm', parameters: 1e6, shots: 0, scores: [10] },
    { model: 'm', parameters: 1e6, shots: 4, scores: [50], contextUse: figures(80, 60, 30) },
    { model: 'm', parameters: 1e6, shots: 4, scores: [35], ablation: 'demo-media', contextUse: figures(90, 40, null) },
    { model: 'm', parameters: 1e6, shots: 4, scores: [20], ablation: 'query-media', contextUse: figures(95, 25, 5) },
    { model: 'old', parameters: 2e6, shots: 4, scores: [44] },
  ]);
  return dir;
}

test('leaderboard: ablations are rows of their own; --diagnostics adds the context-use table with deltas', async (t) => {
  const dir = scratch(t);
  const plain = await leaderboard([dir], { format: 'md', paper: false, colour: false });
  assert.match(plain, /\| m \(ablation demo-media\) \| 1M \| +\| 35\.0 † \|/);
  assert.match(plain, /\| m \(ablation query-media\) \|/);
  assert.doesNotMatch(plain, /Context use/);
  const md = await leaderboard([dir], { format: 'md', paper: false, diagnostics: true, colour: false });
  const lines = md.split('\n');
  const row = (name: string) => lines.find((line) => line.startsWith(`| ${name} | okvqa 4-shot |`));
  assert.equal(row('m'), '| m | okvqa 4-shot | 3 | 80.0 (20.0) | 40.0 (10.0) | 80.0 (15.0) | 60.0 (2) | 30.0 (1) |  |');
  assert.equal(row('m (ablation demo-media)'), '| m (ablation demo-media) | okvqa 4-shot | 3 | 90.0 (20.0) | 45.0 (10.0) | 90.0 (15.0) | 40.0 (2) | - (0) | -15.0 |');
  assert.match(row('m (ablation query-media)')!, /\| -30\.0 \|$/);
  assert.equal(row('old'), undefined, 'a record without figures has no line');
  assert.equal(lines.filter((line) => line.startsWith('| m | okvqa 0-shot')).length, 0, 'nor a record without demonstrations');
  assert.match(md, /Context use: rates over the prompts that show demonstrations/);

  const csv = await leaderboard([dir], { format: 'csv', paper: false, diagnostics: true, colour: false });
  const [head, ...rows] = csv.trim().split('\n');
  assert.equal(head, 'model,column,prompts,copy,copy_chance,last,last_chance,majority,majority_chance,score_in_context,n_in_context,score_not_in_context,n_not_in_context,delta_vs_plain,record');
  assert.equal(rows.length, 3);
  assert.match(rows.find((r) => r.startsWith('m (ablation demo-media)'))!, /^m \(ablation demo-media\),okvqa 4-shot,3,90,20,45,10,90,15,40,2,,0,-15,/);
});

test('report: a Context use panel per record, its ablations beside it with their deltas', async (t) => {
  const dir = scratch(t);
  const { html } = await buildReport([dir], { paper: false, size: 16, videoFrames: 2 });
  const section = html.slice(html.indexOf('<section id="context-use">'), html.indexOf('</section>', html.indexOf('<section id="context-use">')));
  const panels = section.split('<div class="context-panel">').slice(1);
  assert.equal(panels.length, 2, 'm 4-shot (with its two ablations) and old 4-shot (no figures); nothing at 0 shots');
  const m = panels.find((p) => p.includes('<h3>m · okvqa · 4-shot'))!;
  const rows = [...m.matchAll(/<tr><td[^>]*>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((r) => r.slice(1));
  assert.deepEqual(rows, [
    ['plain run', '50.0', '', '80.0% (20.0%)'],
    ['ablation demo-media: demonstrations without their images / videos (their text kept)', '35.0', '-15.0', '90.0% (20.0%)'],
    ['ablation query-media: the query without its image / video (a blind answer)', '20.0', '-30.0', '95.0% (20.0%)'],
  ]);
  assert.match(panels.find((p) => p.includes('<h3>old'))!, /no figures/);
});

test('plot --task: a record\'s ablations are extra lines in its colour, each ablation with its own dash', async (t) => {
  const dir = scratch(t);
  const svg = await plotSvg([dir], { task: 'okvqa', by: 'shots', paper: false });
  const marks = svg.slice(0, svg.indexOf('role-legend'));
  assert.equal(marks.match(/class="mark-line role-mark/g)?.length, 4, 'm, its two ablations, old');
  const strokes = [...marks.matchAll(/stroke="(#[0-9a-f]{6})"[^>]*stroke-dasharray="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
  const plain = strokes.find((s) => s.endsWith(' 1,0'))!.split(' ')[0];
  // In m's colour: demo-media dotted, query-media dot-dashed.
  assert.ok(strokes.includes(`${plain} 2,3`), strokes.join('; '));
  assert.ok(strokes.includes(`${plain} 10,3,2,3`), strokes.join('; '));
  assert.match(svg, /m \(ablation demo-media\); shots: 4; vqa_accuracy: 35\.00/);
  assert.match(svg, /m \(ablation query-media\)/);
  const bySize = await plotSvg([dir], { task: 'okvqa', by: 'size', paper: false });
  assert.doesNotMatch(bySize, /vqa_accuracy: 35\.00/, 'ablations are not drawn against model size');
});
