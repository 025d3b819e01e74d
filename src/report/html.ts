// The report page: escaped HTML for everything from records, data for the browser as JSON in inert script blocks,
// and a Content-Security-Policy that lets only the report's own script and style run (by hash) and images load only
// from data URIs, so the page fetches nothing and no text from a dataset or a model can become markup or code.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { packagePath } from '../core/paths.ts';

const SCRIPT = readFileSync(packagePath('src/report/browser.js'), 'utf8');
const STYLE = readFileSync(packagePath('src/report/report.css'), 'utf8');

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no `</script>` can end the block early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export interface PageParts {
  title: string;
  /** Escaped HTML of the page's sections, in order. */
  sections: string[];
  /** Data blocks: id -> value. */
  data: Map<string, unknown>;
}

export function page(parts: PageParts): string {
  const policy = `default-src 'none'; img-src data:; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}`;
  const data = [...parts.data].map(
    ([id, value]) => `<script type="application/json" id="${escapeHtml(id)}">${scriptJson(value)}</script>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...parts.sections,
    ...data,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
