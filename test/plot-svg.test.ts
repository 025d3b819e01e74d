import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plotSvg } from '../src/commands/plot.ts';
import { logAxis } from '../src/plot/axis.ts';
import { metricTitle } from '../src/plot/metric.ts';
import { writeRecords } from './support/report-records.ts';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'plot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Two models (the larger written first), okvqa at 0/4/32 shots; `big` has three seeds, `small` one. */
function records(dir: string): void {
  writeRecords(dir, [
    { model: 'big', parameters: 9e9, shots: 0, scores: [40, 42, 44] },
    { model: 'big', parameters: 9e9, shots: 4, scores: [50, 52, 54] },
    { model: 'big', parameters: 9e9, shots: 32, scores: [60, 61, 62] },
    { model: 'small', parameters: 1.1e6, shots: 0, scores: [10] },
    { model: 'small', parameters: 1.1e6, shots: 4, scores: [20] },
  ]);
}

/** The SVG's parts a reader sees: the series (one line each), the points' descriptions, error bars, texts. */
function structure(svg: string) {
  const group = (cls: string) => {
    const start = svg.indexOf(`<g class="${cls}`);
    return start < 0 ? '' : svg.slice(start, svg.indexOf('</g>', start));
  };
  return {
    lines: svg.match(/class="mark-line role-mark/g)?.length ?? 0,
    // Lines drawn with a dash pattern (not solid) among the marks (the legend shows the patterns too, after them).
    dashed: svg.slice(0, svg.indexOf('role-legend')).match(/<path [^>]*stroke-dasharray="(?!1,0")[^"]*"/g)?.length ?? 0,
    // Each line's colour and dash pattern, in drawing order.
    styles: [...svg.slice(0, svg.indexOf('role-legend')).matchAll(/<path [^>]*?stroke="([^"]*)"[^>]*?stroke-dasharray="([^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`),
    points: [...group('mark-symbol role-mark').matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!),
    errorBars: group('mark-rule role-mark').match(/<line /g)?.length ?? 0,
    texts: [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!),
  };
}

test('log axis: positive values at log_base, 0 one step left of the smallest', () => {
  const axis = logAxis([32, 0, 4, 8, 16, 4], 2);
  assert.deepEqual(
    axis.ticks.map((t) => [t.value, t.position]),
    [[0, 1], [4, 2], [8, 3], [16, 4], [32, 5]],
  );
  assert.equal(logAxis([0, 3e9, 80e9], 10).position(0), Math.log10(3e9) - 1);
  assert.equal(logAxis([0], 2).position(0), 0);
});

test('axis titles name the metric and its scale', () => {
  assert.equal(metricTitle('cider'), 'CIDEr (x100)');
  assert.equal(metricTitle('vqa_accuracy'), 'VQA accuracy (%)');
  assert.equal(metricTitle('my_metric'), 'my_metric (as recorded)');
});

test('score against shots: one line per model by size, a point per record, error bars where several seeds', async (t) => {
  const dir = scratch(t);
  records(dir);
  const svg = structure(await plotSvg([dir], { task: 'okvqa', by: 'shots', paper: false }));
  assert.equal(svg.lines, 2);
  assert.equal(svg.dashed, 0);
  assert.deepEqual(svg.points, [
    'small; shots: 0; vqa_accuracy: 10.00; sample data',
    'small; shots: 4; vqa_accuracy: 20.00; sample data',
    'big; shots: 0; vqa_accuracy: 42.00 ± 2.00 (std over 3 seeds); sample data',
    'big; shots: 4; vqa_accuracy: 52.00 ± 2.00 (std over 3 seeds); sample data',
    'big; shots: 32; vqa_accuracy: 61.00 ± 1.00 (std over 3 seeds); sample data',
  ]);
  assert.equal(svg.errorBars, 3);
  for (const text of ['0', '4', '32', 'VQA accuracy (%)', 'model (by size)', 'small', 'big', 'okvqa: VQA accuracy (%) against shots']) {
    assert.ok(svg.texts.includes(text), `no text "${text}" in ${JSON.stringify(svg.texts)}`);
  }
  assert.ok(svg.texts.some((text) => text.startsWith('shots (log scale')));
  // Only the shot counts recorded are ticks.
  assert.ok(!svg.texts.includes('8') && !svg.texts.includes('16'));
  // The legend lists the models smallest first.
  assert.ok(svg.texts.indexOf('small') < svg.texts.indexOf('big'));
});

test('--paper adds the published numbers as dashed lines', async (t) => {
  const dir = scratch(t);
  records(dir);
  const svg = structure(await plotSvg([dir], { task: 'okvqa', by: 'shots', paper: true }));
  const published = svg.texts.filter((text) => text.endsWith('(published)'));
  assert.ok(published.includes('Flamingo-3B (published)') && published.includes('Flamingo-80B (published)'), String(published));
  assert.equal(svg.lines, 2 + published.length);
  assert.equal(svg.dashed, published.length);
  // Flamingo-3B's OK-VQA 4-shot value as the paper prints it (Table 2 of arXiv:2204.14198).
  assert.ok(svg.points.some((p) => p.startsWith('Flamingo-3B (published); shots: 4; vqa_accuracy: 43.30')), String(svg.points));
});

test('--paper: a published number sits with the runs of the built-in task\'s metric (MSVD-QA: top-1 accuracy as accuracy)', async (t) => {
  const dir = scratch(t);
  writeRecords(dir, [{ model: 'm', parameters: 1e6, task: 'msvdqa', metric: 'accuracy', shots: 0, scores: [10] }]);
  const svg = structure(await plotSvg([dir], { task: 'msvdqa', by: 'shots', paper: true }));
  assert.ok(svg.points.includes('Flamingo-3B (published); shots: 0; accuracy: 27.50'), String(svg.points));
  assert.ok(svg.texts.includes('accuracy (%)'));
});

test('--by size: one line per model family and shot count against parameters', async (t) => {
  const dir = scratch(t);
  records(dir);
  const svg = structure(await plotSvg([dir], { task: 'okvqa', by: 'size', paper: false }));
  assert.equal(svg.lines, 3);
  assert.deepEqual(svg.points.filter((p) => p.startsWith('test, 4 shots')), [
    'test, 4 shots; parameters: 1.1M; vqa_accuracy: 20.00; sample data',
    'test, 4 shots; parameters: 9B; vqa_accuracy: 52.00 ± 2.00 (std over 3 seeds); sample data',
  ]);
  for (const text of ['1.1M', '9B', 'test, 0 shots', 'test, 4 shots', 'test, 32 shots', 'okvqa: VQA accuracy (%) against model size']) {
    assert.ok(svg.texts.includes(text), `no text "${text}" in ${JSON.stringify(svg.texts)}`);
  }
});

test('--by size: models of different families at the same size never share a line; every size tick is labelled', async (t) => {
  const dir = scratch(t);
  writeRecords(dir, [
    { model: 'alpha-3b', family: 'alpha', parameters: 3e9, shots: 4, scores: [30] },
    { model: 'alpha-9b', family: 'alpha', parameters: 9e9, shots: 4, scores: [40] },
    { model: 'beta-3b', family: 'beta', parameters: 3e9, shots: 4, scores: [10] },
    { model: 'beta-4b', family: 'beta', parameters: 4e9, shots: 4, scores: [12] },
  ]);
  const svg = structure(await plotSvg([dir], { task: 'okvqa', by: 'size', paper: false }));
  assert.equal(svg.lines, 2);
  assert.deepEqual(svg.points, [
    'alpha, 4 shots; parameters: 3B; vqa_accuracy: 30.00; sample data',
    'alpha, 4 shots; parameters: 9B; vqa_accuracy: 40.00; sample data',
    'beta, 4 shots; parameters: 3B; vqa_accuracy: 10.00; sample data',
    'beta, 4 shots; parameters: 4B; vqa_accuracy: 12.00; sample data',
  ]);
  // 3B and 4B sit close on the log axis; both keep their labels.
  for (const tick of ['3B', '4B', '9B']) assert.ok(svg.texts.includes(tick), `no tick label ${tick} in ${JSON.stringify(svg.texts)}`);
  // The two families differ in colour.
  assert.equal(new Set(svg.styles.map((s) => s.split(' ')[0])).size, 2, String(svg.styles));
});

test('--by size --paper: published families are joined by family (OpenFlamingo-3B and Flamingo-3B apart)', async (t) => {
  const dir = scratch(t);
  records(dir);
  const svg = structure(await plotSvg([dir], { task: 'okvqa', by: 'size', paper: true }));
  const flamingo = svg.points.filter((p) => p.startsWith('Flamingo (published), 4 shots;'));
  assert.deepEqual(flamingo.map((p) => p.split('; ')[1]), ['parameters: 3B', 'parameters: 9B', 'parameters: 80B']);
  const open = svg.points.filter((p) => p.startsWith('OpenFlamingo (published), 4 shots;'));
  assert.ok(open.length >= 2 && open.every((p) => !flamingo.includes(p)), String(open));
  // A family's line never goes back to a size it has already passed (no vertical zig-zag).
  for (const family of ['Flamingo (published), 4 shots', 'OpenFlamingo (published), 4 shots']) {
    const sizes = svg.points.filter((p) => p.startsWith(`${family};`)).map((p) => p.split('; ')[1]);
    assert.equal(new Set(sizes).size, sizes.length, `${family}: ${sizes}`);
  }
});

test('up to 12 series stay distinguishable: no two lines share both colour and dash pattern', async (t) => {
  const dir = scratch(t);
  writeRecords(
    dir,
    Array.from({ length: 12 }, (_, i) => ({ model: `m${String(i).padStart(2, '0')}`, parameters: 1e6 * (i + 1), shots: 4, scores: [i] })).flatMap(
      (spec) => [spec, { ...spec, shots: 0 }],
    ),
  );
  const svg = structure(await plotSvg([dir], { task: 'okvqa', by: 'shots', paper: false }));
  assert.equal(svg.lines, 12);
  assert.equal(new Set(svg.styles).size, 12, String(svg.styles));
});

test('CLI: several tasks with -o write one file per task', (t) => {
  const dir = scratch(t);
  writeRecords(dir, [
    { model: 'm', parameters: 1e6, shots: 0, scores: [10] },
    { model: 'm', parameters: 1e6, task: 'coco', metric: 'cider', shots: 0, scores: [50] },
  ]);
  const out = join(dir, 'plot.svg');
  const run = spawnSync(process.execPath, [bin, 'plot', dir, '--task', 'okvqa,coco', '-o', out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(readFileSync(join(dir, 'plot-okvqa.svg'), 'utf8'), /okvqa: VQA accuracy/);
  assert.match(readFileSync(join(dir, 'plot-coco.svg'), 'utf8'), /coco: CIDEr/);
  assert.match(run.stderr, /wrote .*plot-okvqa\.svg[\s\S]*wrote .*plot-coco\.svg/);
});

test('CLI: PNG output, and errors naming the flag with exit code 2', (t) => {
  const dir = scratch(t);
  records(dir);
  const png = join(dir, 'plot.png');
  const ok = spawnSync(process.execPath, [bin, 'plot', dir, '--task', 'okvqa', '-o', png], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  const badTask = spawnSync(process.execPath, [bin, 'plot', dir, '--task', 'coco'], { encoding: 'utf8' });
  assert.equal(badTask.status, 2);
  assert.match(badTask.stderr, /--task coco: no run records of this task \(records found for: okvqa\)/);
  const twoTasks = spawnSync(process.execPath, [bin, 'plot', dir, '--task', 'okvqa,coco'], { encoding: 'utf8' });
  assert.equal(twoTasks.status, 2);
  assert.match(twoTasks.stderr, /--task okvqa,coco: a plot shows one task; give -o <name>\.svg or -o <name>\.png to write one file per task/);
  const badOutput = spawnSync(process.execPath, [bin, 'plot', dir, '--task', 'okvqa', '-o', join(dir, 'p.jpg')], { encoding: 'utf8' });
  assert.equal(badOutput.status, 2);
  assert.match(badOutput.stderr, /--output .*p\.jpg: give a file name ending in \.svg or \.png/);
});
