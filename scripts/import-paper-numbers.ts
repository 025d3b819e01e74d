// Regenerates src/paper/published.json from the team's collected published numbers:
//   node --import tsx scripts/import-paper-numbers.ts [path/to/paper-numbers.json]
// (default ../shared/paper-numbers.json beside the project). The tool itself never reads that file.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { derivePublished } from '../src/paper/derive.ts';
import { PUBLISHED_FILE } from '../src/paper/published.ts';

export const DEFAULT_COLLECTED = fileURLToPath(new URL('../../shared/paper-numbers.json', import.meta.url));

/** The exact bytes of published.json for a collected file's parsed content. */
export function publishedJson(collected: unknown): string {
  const { about, rows } = derivePublished(collected);
  // One row per line: small, and a changed number shows as a one-line diff.
  const lines = rows.map((row) => '  ' + JSON.stringify(row)).join(',\n');
  return `{\n "about": ${JSON.stringify(about)},\n "rows": [\n${lines}\n ]\n}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const input = process.argv[2] ?? DEFAULT_COLLECTED;
  const text = publishedJson(JSON.parse(readFileSync(input, 'utf8')));
  writeFileSync(PUBLISHED_FILE, text);
  const rows = (JSON.parse(text) as { rows: unknown[] }).rows.length;
  process.stdout.write(`wrote ${fileURLToPath(PUBLISHED_FILE)}: ${rows} rows from ${input}\n`);
}
