import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../src/report/build.ts';
import { escapeHtml, scriptJson } from '../src/report/html.ts';
import { MediaTable } from '../src/report/media.ts';
import { makeRecord, writeRecords } from './support/report-records.ts';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const HOSTILE = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`;

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The page's JSON data blocks by id. */
function dataBlocks(html: string): Map<string, any> {
  const blocks = new Map<string, any>();
  for (const m of html.matchAll(/<script type="application\/json" id="([^"]+)">(.*?)<\/script>/gs)) {
    blocks.set(m[1]!, JSON.parse(m[2]!));
  }
  return blocks;
}

test('escaping: HTML text, and JSON that cannot close its script block', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const value = { answer: HOSTILE, line: 'a\u2028b' };
  const json = scriptJson(value);
  assert.ok(!json.includes('<'), json);
  assert.deepEqual(JSON.parse(json), value);
});

test('the page: hostile record text only inside escaped HTML or inert JSON, its one script allowed by hash', async (t) => {
  const dir = scratch(t);
  writeRecords(dir, [
    { model: `m${HOSTILE}`, parameters: 1e6, shots: 2, scores: [10, 20], answer: () => HOSTILE, type: () => HOSTILE },
  ]);
  const report = await buildReport([dir], { paper: false, size: 32, videoFrames: 2 });
  assert.deepEqual([report.records, report.examples, report.unreadable], [1, 6, 0]);
  const { html } = report;
  assert.ok(!html.includes(HOSTILE));
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes(`<td>m${escapeHtml(HOSTILE)}</td>`));

  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts.filter((attributes) => !attributes.includes('application/json')), ['']);
  const script = /<script>(.*?)<\/script>\n<\/body>/s.exec(html)![1]!;
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
  assert.match(policy, /^default-src 'none'; img-src data:; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'$/);
  assert.ok(policy.endsWith(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`));

  const data = dataBlocks(html);
  assert.deepEqual([...data.keys()].sort(), ['media', 'records-index', 'trial-0-0', 'trial-0-1']);
  const [index] = data.get('records-index');
  assert.equal(index.title, `m${HOSTILE} · okvqa · 2-shot`);
  assert.deepEqual(index.seeds, [{ seed: 1, value: 10 }, { seed: 2, value: 20 }]);
  assert.deepEqual(index.types, [HOSTILE]);
  const example = data.get('trial-0-1')[0];
  assert.deepEqual(
    example.chunks.map((c: any) => c.label),
    ['demonstration 1 (s1)', 'demonstration 2 (s2)', 'query (q0)'],
  );
  assert.deepEqual(example.chunks[2].parts[1], { text: 'Question: what colour is item 0? Answer:' });
  assert.deepEqual([example.answer, example.raw, example.references, example.score], [HOSTILE, ` ${HOSTILE}`, ['blue', 'blue', 'navy'], 100]);
  // Media: one thumbnail per distinct image, JPEG data URIs no larger than asked.
  const media = data.get('media');
  assert.equal(Object.keys(media).length, report.media);
  assert.ok(Object.values(media).every((m: any) => m.frames.length === 1 && m.frames[0].startsWith('data:image/jpeg;base64,')));
});

test('records without references (older runs) and media missing on this machine', async (t) => {
  const dir = scratch(t);
  const record = makeRecord({ model: 'old', parameters: 5, shots: 0, scores: [1], examples: 1 });
  const example = record.trials[0]!.examples[0]!;
  delete example.references;
  delete example.target;
  (example.prompt[0] as { media: { path: string } }).media.path = join(dir, 'gone.jpg');
  writeFileSync(join(dir, 'old.json'), JSON.stringify(record, null, 1));
  const warnings: string[] = [];
  const report = await buildReport([dir], { paper: false, size: 32, videoFrames: 2 }, (line) => warnings.push(line));
  const data = dataBlocks(report.html);
  assert.equal(data.get('trial-0-0')[0].references, null);
  assert.equal(report.unreadable, 1);
  assert.match(data.get('media')['0'].error, /gone\.jpg: /);
  assert.deepEqual(warnings.map((w) => w.replace(/\(first: .*/, '')), ['1 of 1 media could not be read and show as their error ']);
});

test('a video is shown as a strip of frames', async () => {
  const root = new URL('../sample-data/msvdqa/YouTubeClips/', import.meta.url).pathname;
  const clip = readdirSync(root).find((name) => name.endsWith('.avi'))!;
  const table = new MediaTable();
  const key = table.key({ kind: 'video', id: clip, path: join(root, clip) });
  assert.equal(table.key({ kind: 'video', id: 'same file again', path: join(root, clip) }), key);
  const thumbnails = await table.render({ size: 24, videoFrames: 3 });
  assert.equal(thumbnails[key]!.error, undefined);
  assert.equal(thumbnails[key]!.frames.length, 3);
});

test('CLI: writes the file and says what is in it; a missing folder is exit 2', (t) => {
  const dir = scratch(t);
  writeRecords(join(dir, 'results'), [{ model: 'm', parameters: 1, shots: 0, scores: [5] }]);
  const out = join(dir, 'report.html');
  const run = spawnSync(process.execPath, [bin, 'report', join(dir, 'results'), '-o', out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /^flamingo-eval report: wrote .*report\.html \([\d.]+ MB: 1 record, 3 examples, 3 media\)\n$/);
  assert.ok(existsSync(out) && readFileSync(out, 'utf8').startsWith('<!doctype html>'));
  const missing = spawnSync(process.execPath, [bin, 'report', join(dir, 'nope'), '-o', out], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope: no such folder/);
  const badSize = spawnSync(process.execPath, [bin, 'report', join(dir, 'results'), '-o', out, '--thumbnail-size', '0'], { encoding: 'utf8' });
  assert.equal(badSize.status, 2);
  assert.match(badSize.stderr, /--thumbnail-size 0: give a positive whole number/);
});
