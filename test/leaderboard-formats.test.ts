import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaderboard } from '../src/commands/leaderboard.ts';

const fixtures = new URL('./fixtures/records/', import.meta.url).pathname;
const basic = `${fixtures}basic`;

test('table: models by size, task x shots columns, std over seeds, sample markers and footnotes', async () => {
  const out = await leaderboard([basic], { format: 'table', paper: false, colour: false });
  assert.equal(
    out,
    [
      // Tasks in the paper's order (OK-VQA before COCO); a column whose cells share a size carries it (n24×1: 24
      // queries, one seed), else each cell carries its own, so a one-seed value never passes for a three-seed mean.
      '┌────────┬────────┬────────────────────┬────────────────────┬────────────────────┐',
      '│ model  │ params │ okvqa 0-shot n24×1 │ okvqa 4-shot       │ coco 4-shot n200×2 │',
      '├────────┼────────┼────────────────────┼────────────────────┼────────────────────┤',
      '│ tiny-s │ 1.1M   │ 12.5 †             │ 31.7 ± 1.9 n24×3 † │ -                  │',
      '├────────┼────────┼────────────────────┼────────────────────┼────────────────────┤',
      '│ tiny-l │ 4.6M   │ -                  │ 41.7 n24×1 †       │ -                  │',
      '├────────┼────────┼────────────────────┼────────────────────┼────────────────────┤',
      '│ big    │ 9.3B   │ -                  │ -                  │ 88.8 ± 1.0 ‡       │',
      '└────────┴────────┴────────────────────┴────────────────────┴────────────────────┘',
      "Metric: okvqa vqa_accuracy; coco cider (the papers' scale).",
      '† Built-in sample data (synthetic, a few dozen items): it shows the pipeline runs, it is not a benchmark score ' +
        'and does not compare with published numbers.',
      '‡ A --limit subset of the query split, not the whole evaluation set the papers use ' +
        '(--protocol flamingo runs their query-set sizes).',
      'nQ×S (after a column name, or a value): Q queries evaluated per seed, S seeds; a value is the mean over the seeds.',
      '± Standard deviation over seeds (measured: sample std of the trials; published: as printed).',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(out, /\u001b\[/, 'no colour codes when colour is off');
});

test('table: colour codes only when asked for', async () => {
  const out = await leaderboard([basic], { format: 'table', paper: false, colour: true });
  assert.match(out, /\u001b\[36mmodel\u001b\[39m/);
  const plain = await leaderboard([basic], { format: 'table', paper: false, colour: false });
  assert.doesNotMatch(plain, /\u001b\[/);
  // The boxes line up whether or not the header carries escape codes.
  assert.equal(out.replace(/\u001b\[\d+m/g, ''), plain);
});

test('markdown: hand-written pipe table, numbers right-aligned, footnotes as separate lines', async () => {
  const out = await leaderboard([basic], { format: 'md', paper: false, colour: false });
  assert.equal(
    out,
    [
      '| model | params | okvqa 0-shot n24×1 | okvqa 4-shot | coco 4-shot n200×2 |',
      '|---|---|---:|---:|---:|',
      '| tiny-s | 1.1M | 12.5 † | 31.7 ± 1.9 n24×3 † |  |',
      '| tiny-l | 4.6M |  | 41.7 n24×1 † |  |',
      '| big | 9.3B |  |  | 88.8 ± 1.0 ‡ |',
      '',
      "Metric: okvqa vqa_accuracy; coco cider (the papers' scale).  ",
      '† Built-in sample data (synthetic, a few dozen items): it shows the pipeline runs, it is not a benchmark score ' +
        'and does not compare with published numbers.  ',
      '‡ A --limit subset of the query split, not the whole evaluation set the papers use ' +
        '(--protocol flamingo runs their query-set sizes).  ',
      'nQ×S (after a column name, or a value): Q queries evaluated per seed, S seeds; a value is the mean over the seeds.  ',
      '± Standard deviation over seeds (measured: sample std of the trials; published: as printed).',
      '',
    ].join('\n'),
  );
});

test('markdown: a | in a model name is escaped', async () => {
  const out = await leaderboard([`${fixtures}pipe`], { format: 'md', paper: false, colour: false });
  assert.equal(out.split('\n')[2], '| a\\|b | 1K | 50.0 |');
});

test('csv: tidy, one row per model x task x shots; full precision; std, n, seeds, data, source; exact parameter counts', async () => {
  const out = await leaderboard([basic], { format: 'csv', paper: false, colour: false });
  // tiny-s okvqa 4 shots: trials 30, 31.25, 33.75 -> mean 31.666..., sample std sqrt(((5/3)^2+(5/12)^2+(25/12)^2)/2).
  const std = Math.sqrt(((-5 / 3) ** 2 + (-5 / 12) ** 2 + (25 / 12) ** 2) / 2);
  assert.equal(Math.abs(std - 1.9094065395649333) < 1e-15, true);
  assert.equal(
    out,
    [
      'model,params,task,shots,variant,metric,mean,std,ci_low,ci_high,n,seeds,data,source,split',
      `tiny-s,1130000,okvqa,0,,vqa_accuracy,12.5,,,,24,1,sample,run: ${basic}/tiny-s/okvqa-0shot.json,`,
      `tiny-s,1130000,okvqa,4,,vqa_accuracy,31.666666666666668,1.9094065395649333,,,24,3,sample,run: ${basic}/tiny-s/okvqa-4shot.json,`,
      `tiny-l,4610000,okvqa,4,,vqa_accuracy,41.666666666666664,,,,24,1,sample,run: ${basic}/tiny-l/okvqa-4shot.json,`,
      `big,9300000000,coco,4,,cider,88.811725,0.9733678396423382,,,200,2,subset,run: ${basic}/big/coco-4shot.json,`,
      '',
    ].join('\n'),
  );
});

test('--paper adds the published rows for the columns shown, sorted by size among the measured ones', async () => {
  const out = await leaderboard([basic], { format: 'md', paper: true, colour: false });
  const lines = out.split('\n');
  assert.equal(lines[0], '| model | params | source | okvqa 0-shot n24×1 | okvqa 4-shot | coco 4-shot n200×2 |');
  assert.equal(lines[1], '|---|---|---|---:|---:|---:|');
  // Flamingo Table 1 (random demonstrations): 3B COCO 4-shot 85.0, OK-VQA 0/4-shot 41.2 / 43.3.
  assert.ok(lines.includes('| Flamingo-3B | 3B | [1] | 41.2 | 43.3 | 85.0 |'), out);
  // OpenFlamingo Table 11: mean (std) over 3 seeds.
  assert.ok(lines.includes('| OpenFlamingo-9B | 9B | [2] | 37.8 ± 0.2 | 40.1 ± 0.1 | 89.0 ± 0.3 |'), out);
  assert.ok(lines.includes('| IDEFICS-80B | 80B | [3] | 45.2 | 52.4 | 110.3 |'), out);
  const models = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| model')).map((l) => l.split(' | ')[0]!.slice(2));
  assert.deepEqual(models, [
    'tiny-s',
    'tiny-l',
    'Flamingo-3B',
    'OpenFlamingo-3B',
    'OpenFlamingo-3B-Instruct',
    'OpenFlamingo-4B',
    'OpenFlamingo-4B-Instruct',
    'Flamingo-9B',
    'IDEFICS-9B',
    'IDEFICS-9B-Instruct',
    'OpenFlamingo-9B',
    'big',
    'Flamingo-80B',
    'IDEFICS-80B',
    'IDEFICS-80B-Instruct',
  ]);
  assert.ok(lines.includes('| tiny-s | 1.1M | measured | 12.5 † | 31.7 ± 1.9 n24×3 † |  |'));
  assert.ok(lines.includes('Published rows: primary values as printed, random demonstrations. Sources:  '));
  assert.ok(lines.includes('[1] https://arxiv.org/abs/2204.14198v2 Table 1  '));
  assert.ok(lines.includes('[3] https://arxiv.org/abs/2306.16527v2 Table 2  '));
});

test('--paper in CSV keeps each published row\'s source and the published std', async () => {
  const out = await leaderboard([basic], { format: 'csv', paper: true, colour: false });
  const rows = out.split('\n').filter((l) => l.startsWith('OpenFlamingo-9B,'));
  const source = 'paper: https://arxiv.org/abs/2308.01390v2 Table 11 (0/4/32 also Table 4)';
  assert.deepEqual(rows, [
    `OpenFlamingo-9B,9000000000,okvqa,0,,vqa_accuracy,37.8,0.2,,,,3,official,${source},`,
    `OpenFlamingo-9B,9000000000,okvqa,4,,vqa_accuracy,40.1,0.1,,,,3,official,${source},`,
    `OpenFlamingo-9B,9000000000,coco,4,,cider,89,0.3,,,,3,official,${source},`,
  ]);
});

test('--paper beside a RICES run shows the published RICES rows, labelled', async () => {
  const out = await leaderboard([`${fixtures}rices`], { format: 'csv', paper: true, colour: false });
  const lines = out.trim().split('\n');
  assert.equal(lines[1], `my-model,2000000000,coco,4,RICES,cider,91,,,,24,1,official,run: ${fixtures}rices/of.json,`);
  // OpenFlamingo Table 12 (RICES): OpenFlamingo-9B COCO 4 shots 93.1.
  assert.ok(lines.includes('OpenFlamingo-9B,9000000000,coco,4,RICES,cider,93.1,,,,,1,official,paper: https://arxiv.org/abs/2308.01390v2 Table 12,'), out);
  assert.ok(lines.every((l, i) => i === 0 || l.split(',')[4] === 'RICES'), 'no random-demonstration rows beside a RICES run');
});

test('--paper with no published number for the columns shown says so', async () => {
  const warnings: string[] = [];
  const out = await leaderboard([`${fixtures}unpublished`], { format: 'csv', paper: true, colour: false }, (w) =>
    warnings.push(w),
  );
  assert.equal(
    out,
    'model,params,task,shots,variant,metric,mean,std,ci_low,ci_high,n,seeds,data,source,split\n' +
      `m,1000,my-task,2,,accuracy,0.5,,,,24,1,official,run: ${fixtures}unpublished/r.json,\n`,
  );
  assert.deepEqual(warnings, [
    '--paper: no published numbers for these task x shots columns (published: Flamingo, OpenFlamingo, IDEFICS)',
  ]);
});

test('a record of an unannotated split (no score) is left out with a note; alone, it is an error', async () => {
  const note =
    `${fixtures}unannotated/vqav2-0shot.json: no score to show (its query split has no public annotations; ` +
    'EvalAI (https://eval.ai/web/challenges/challenge-page/830) scores it)';
  const warnings: string[] = [];
  const out = await leaderboard([`${fixtures}pipe`, `${fixtures}unannotated`], { format: 'md', paper: false, colour: false }, (w) =>
    warnings.push(w),
  );
  assert.equal(out.split('\n')[0], '| model | params | okvqa 0-shot n24×1 |');
  assert.deepEqual(warnings, [note]);
  await assert.rejects(leaderboard([`${fixtures}unannotated`], { format: 'md', paper: false, colour: false }), {
    name: 'InputError',
    message: new RegExp(`^no scored run records found under ${fixtures}unannotated `),
  });
});

test('--paper: a built-in task\'s published headline numbers show whatever the collected metric id (MSVD-QA)', async () => {
  const out = await leaderboard([`${fixtures}video`], { format: 'csv', paper: true, colour: false });
  // Flamingo Table 1: MSVD-QA 4-shot top-1 accuracy 41.7 (80B).
  assert.ok(out.split('\n').includes('Flamingo-80B,80000000000,msvdqa,4,,accuracy,41.7,,,,,1,official,paper: https://arxiv.org/abs/2204.14198v2 Table 1,'), out);
});
