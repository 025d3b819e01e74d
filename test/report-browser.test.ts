// The report as a user sees it: rendered in headless Chromium, looked at through the DevTools protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '../src/report/build.ts';
import { Browser, findChromium } from './support/chromium.ts';
import { writeRecords } from './support/report-records.ts';

const HOSTILE = `<script>document.title='PWNED'</script><img src=x onerror="document.title='PWNED'">`;
const EVIL_MODEL = `evil<img src=x onerror="document.title='PWNED'">`;
const TYPES = ['yes/no', 'other', '<b>number</b>'];

const chromium = findChromium();

test('the report in headless Chromium: no console errors, leaderboard and examples visible, nothing injected runs', {
  skip: chromium === undefined && 'chromium not found on PATH (Debian: apt-get install chromium; .ci/run installs it)',
  timeout: 120_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeRecords(dir, [
    ...[0, 4].map((shots) => ({
      model: EVIL_MODEL,
      parameters: 1e6,
      shots,
      scores: [20 + shots],
      examples: 60,
      answer: (i: number) => (i === 2 ? HOSTILE : 'blue'),
      type: (i: number) => TYPES[i % 3]!,
    })),
    // A large record: the browser shows a page of it, not 5,000 cards.
    { model: 'big', parameters: 9e9, shots: 4, scores: [50, 52, 54], examples: 5000 },
  ]);
  const report = await buildReport([dir], { paper: false, size: 64, videoFrames: 4 });
  const file = join(dir, 'report.html');
  writeFileSync(file, report.html);

  const browser = Browser.launch(chromium!);
  t.after(() => browser.close());
  const page = await browser.open(pathToFileURL(file).href);
  const shot = await page.screenshot();
  if (process.env.REPORT_SCREENSHOT) writeFileSync(process.env.REPORT_SCREENSHOT, shot);
  assert.deepEqual([...shot.subarray(1, 4)], [0x50, 0x4e, 0x47]);

  assert.equal(await page.evaluate('document.title'), 'flamingo-eval report');
  // Nothing from the records became markup: the one script is the report's, no element carries a handler.
  assert.equal(await page.evaluate(`document.querySelectorAll('script:not([type="application/json"])').length`), 1);
  assert.equal(await page.evaluate(`document.querySelectorAll('[onerror]').length`), 0);

  const board = await page.evaluate<string[][]>(
    `[...document.querySelectorAll('table.board tr')].map((tr) => [...tr.cells].map((c) => c.textContent))`,
  );
  assert.deepEqual(board[0], ['model', 'params', 'okvqa 0-shot n60×1', 'okvqa 4-shot']);
  // Cells of different sizes in the 4-shot column: each cell says its queries and seeds (n60×1, n5000×3).
  assert.deepEqual(board[1], [EVIL_MODEL, '1M', '20.0 †', '24.0 n60×1 †']);
  assert.deepEqual(board[2], ['big', '9B', '-', '52.0 ± 2.0 n5000×3 †']);
  assert.ok((await page.evaluate<number>(`document.querySelector('table.board').getBoundingClientRect().height`)) > 40);
  assert.equal(await page.evaluate(`document.querySelectorAll('#plots img').length`), 2);

  // The record picker groups records by task, then model, one button per number of shots (not a wall of buttons).
  const picker = await page.evaluate<string[][]>(
    `[...document.querySelectorAll('#record-list .record-row')].map((row) => [...row.children].map((c) => c.textContent))`,
  );
  assert.deepEqual(picker, [
    [EVIL_MODEL, '0-shot', '4-shot'],
    ['big', '4-shot'],
  ]);
  assert.deepEqual(await page.evaluate(`[...document.querySelectorAll('#record-list .record-task')].map((h) => h.textContent)`), ['okvqa']);
  assert.ok(await page.evaluate(`[...document.querySelectorAll('#plots img')].every((img) => img.complete && img.naturalWidth > 300)`));

  // The first record is open, worst examples first, one page of them.
  const cards = () => page.evaluate<{ id: string; score: string; type: string }[]>(
    `[...document.querySelectorAll('#browser article.example')].map((a) => ({
      id: a.querySelector('.example-id').textContent,
      score: a.querySelector('.score').textContent,
      type: a.querySelector('.type')?.textContent ?? '' }))`,
  );
  const pager = () => page.evaluate<string>(`document.querySelector('.pager .count').textContent`);
  let shown = await cards();
  assert.equal(shown.length, 25);
  assert.equal(await pager(), 'examples 1-25 of 60');
  assert.deepEqual(shown.slice(0, 3).map((c) => [c.id, c.score]), [['q2', '0'], ['q5', '0'], ['q8', '0']]);
  assert.ok((await page.evaluate<number>(`document.querySelector('#browser article.example').getBoundingClientRect().height`)) > 80);
  // Its prompt: the query's image (a thumbnail that decoded) and text; the hostile answer shown as text.
  assert.deepEqual(
    await page.evaluate(`[...document.querySelector('#browser article.example').querySelectorAll('.chunk-label')].map((l) => l.textContent)`),
    ['query (q2)'],
  );
  assert.ok(await page.evaluate(`[...document.querySelectorAll('#browser article.example img')].every((img) => img.complete && img.naturalWidth > 0)`));
  assert.equal(
    await page.evaluate(`[...document.querySelector('#browser article.example').querySelectorAll('dd')].map((d) => d.textContent)[1]`),
    HOSTILE,
  );
  assert.equal(shown[0]!.type, '<b>number</b>');

  // Sort, filter by answer type, page on.
  await page.evaluate(`(() => { const s = document.querySelectorAll('#browser select')[1]; s.value = 'best'; s.dispatchEvent(new Event('change')); })()`);
  shown = await cards();
  assert.deepEqual([shown[0]!.score, shown.at(-1)!.score], ['100', '30']);
  await page.evaluate(`(() => { const s = document.querySelectorAll('#browser select')[2]; s.value = 'other'; s.dispatchEvent(new Event('change')); })()`);
  shown = await cards();
  assert.equal(await pager(), 'examples 1-20 of 20');
  assert.ok(shown.every((c) => c.type === 'other' && c.score === '30'));

  // The 5,000-example record: one page of cards, the others on later pages.
  await page.evaluate(`[...document.querySelectorAll('.record-button')].find((b) => b.getAttribute('aria-label').startsWith('big')).click()`);
  assert.equal(await pager(), 'examples 1-25 of 5000');
  await page.evaluate(`[...document.querySelectorAll('.pager button')].find((b) => b.textContent.startsWith('next')).click()`);
  assert.equal(await pager(), 'examples 26-50 of 5000');
  assert.equal((await cards()).length, 25);
  // Its 4-shot prompts: four demonstrations, then the query.
  assert.deepEqual(
    await page.evaluate(`[...document.querySelector('#browser article.example').querySelectorAll('.chunk-label')].map((l) => l.textContent.split(' (')[0])`),
    ['demonstration 1', 'demonstration 2', 'demonstration 3', 'demonstration 4', 'query'],
  );

  assert.equal(await page.evaluate('document.title'), 'flamingo-eval report');
  assert.deepEqual(page.messages, []);
});
