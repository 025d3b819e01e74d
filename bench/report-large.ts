// How the report copes with a large run: one 32-shot record of 5,000 queries x 3 seeds (the size of a full-protocol
// VQAv2 run) next to a small one. Measures building the page, its size, and in headless Chromium the time until
// the page has loaded and the time to open the large record (parse its trial, sort, draw the first page).
//   node --import tsx bench/report-large.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '../src/report/build.ts';
import { Browser, findChromium } from '../test/support/chromium.ts';
import { writeRecords } from '../test/support/report-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
try {
  writeRecords(dir, [
    { model: 'small', parameters: 1e6, shots: 4, scores: [20], examples: 50 },
    { model: 'large', parameters: 9e9, shots: 32, scores: [50, 52, 54], examples: 5000 },
  ]);
  let start = performance.now();
  const report = await buildReport([dir], { paper: false, size: 96, videoFrames: 6 });
  const buildMs = performance.now() - start;
  const file = join(dir, 'report.html');
  writeFileSync(file, report.html);
  console.log(`build: ${buildMs.toFixed(0)} ms for ${report.examples} examples, ${report.media} media; page ${(Buffer.byteLength(report.html) / 1e6).toFixed(1)} MB`);

  const chromium = findChromium();
  if (chromium === undefined) {
    console.log('chromium not found: no browser timings');
  } else {
    const browser = Browser.launch(chromium);
    try {
      start = performance.now();
      const page = await browser.open(pathToFileURL(file).href);
      console.log(`load (navigate to load event, first record drawn): ${(performance.now() - start).toFixed(0)} ms`);
      const openMs = await page.evaluate<number>(`(() => {
        const t0 = performance.now();
        [...document.querySelectorAll('.record-button')].find((b) => b.textContent.startsWith('large')).click();
        return performance.now() - t0; })()`);
      const cards = await page.evaluate<number>(`document.querySelectorAll('#browser article.example').length`);
      const pageMs = await page.evaluate<number>(`(() => {
        const t0 = performance.now();
        [...document.querySelectorAll('.pager button')].find((b) => b.textContent.startsWith('next')).click();
        return performance.now() - t0; })()`);
      console.log(`open the 5,000-example record: ${openMs.toFixed(0)} ms (${cards} cards drawn); next page: ${pageMs.toFixed(0)} ms`);
      if (page.messages.length > 0) console.log('page messages:', page.messages);
    } finally {
      await browser.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
