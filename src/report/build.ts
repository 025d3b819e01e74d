// `flamingo-eval report`: one HTML file with the leaderboard, the plots of each task, and a browser of every record's
// examples (the prompt as the model saw it, the raw output, the answer, the references, the item's score).
import { choosePerCell, rowName, type Leaderboard } from '../leaderboard/board.ts';
import type { RecordEntry } from '../leaderboard/records.ts';
import { textBoard } from '../leaderboard/text.ts';
import { loadBoard } from '../plot/board.ts';
import { renderSvg } from '../plot/render.ts';
import { plotColumns, shotsPlot, sizePlot, type PlotData } from '../plot/series.ts';
import { plotSpec } from '../plot/spec.ts';
import { contextSection } from './context.ts';
import { readFullRecord, shownTrials } from './examples.ts';
import { escapeHtml, page } from './html.ts';
import { MediaTable, type ThumbnailOptions } from './media.ts';

export interface ReportOptions extends ThumbnailOptions {
  /** Published rows in the leaderboard and dashed published lines in the plots. */
  paper: boolean;
}

export interface Report {
  html: string;
  records: number;
  examples: number;
  media: number;
  /** Media that could not be read (shown as their error in the page). */
  unreadable: number;
}

/** Index entry of one browsed record (the examples of each trial are their own data block, parsed when shown). */
interface BrowsedRecord {
  title: string;
  /** The picker groups records by task, then by model (with its run choices), one button per number of shots. */
  group: { task: string; model: string; shots: number };
  file: string;
  metric: string;
  seeds: { seed: number; value: number | null }[];
  types: string[];
}

export async function buildReport(dirs: string[], options: ReportOptions, warn: (line: string) => void = () => {}): Promise<Report> {
  const { board, entries } = await loadBoard(dirs, options.paper, warn);
  const media = new MediaTable();
  const data = new Map<string, unknown>();
  const index: BrowsedRecord[] = [];
  let examples = 0;
  for (const [r, entry] of browsedEntries(entries).entries()) {
    const record = await readFullRecord(entry.file);
    const trials = shownTrials(record, media, entry.file);
    const types = new Set<string>();
    trials.forEach((trial, t) => {
      data.set(`trial-${r}-${t}`, trial.examples);
      examples += trial.examples.length;
      for (const example of trial.examples) if (example.type !== null) types.add(example.type);
    });
    const task = entry.split !== null ? `${entry.task} (${entry.split})` : entry.task;
    index.push({
      title: `${rowName(entry.model, entry)} · ${task} · ${entry.shots}-shot`,
      group: { task, model: rowName(entry.model, entry), shots: entry.shots },
      file: entry.file,
      metric: entry.metric,
      seeds: trials.map((trial) => ({ seed: trial.seed, value: trial.value })),
      types: [...types].sort(),
    });
  }
  const thumbnails = await media.render(options);
  const unreadable = Object.values(thumbnails).filter((t) => t.error !== undefined);
  if (unreadable.length > 0) {
    warn(`${unreadable.length} of ${media.size} media could not be read and show as their error (first: ${unreadable[0]!.error})`);
  }
  data.set('records-index', index);
  data.set('media', thumbnails);

  const sections = [
    '<header><h1>flamingo-eval report</h1>',
    `<p class="meta">${escapeHtml(`${index.length} run records from ${dirs.join(', ')}; ${examples} examples`)}</p></header>`,
    leaderboardSection(board, options.paper),
    await plotsSection(board),
    contextSection(browsedEntries(entries)),
    '<section id="examples"><h2>Examples</h2>',
    '<p class="meta">Each record\'s examples, worst first: the prompt as the model saw it (demonstrations, then the ' +
      'query), the raw output, the answer scored, the references and the item\'s score.</p>',
    '<div id="record-list"></div><div id="browser"></div></section>',
  ];
  const html = page({ title: 'flamingo-eval report', sections, data });
  return { html, records: index.length, examples, media: media.size, unreadable: unreadable.length };
}

/** One record per model x run variant x task x split x shots: the one the leaderboard uses (official data first). */
function browsedEntries(entries: RecordEntry[]): RecordEntry[] {
  return choosePerCell(entries).kept.sort(
    (a, b) =>
      a.parameters - b.parameters ||
      compare(rowName(a.model, a), rowName(b.model, b)) ||
      compare(a.task, b.task) ||
      compare(a.split ?? '', b.split ?? '') ||
      a.shots - b.shots,
  );
}

function leaderboardSection(board: Leaderboard, sources: boolean): string {
  const text = textBoard(board, { sources, empty: '-' });
  const cell = (tag: string, value: string) => `<${tag}>${escapeHtml(value)}</${tag}>`;
  const rows = text.body.map(
    (row, i) => `<tr${board.rows[i]!.published ? ' class="published"' : ''}>${row.map((v) => cell('td', v)).join('')}</tr>`,
  );
  return [
    '<section id="leaderboard"><h2>Leaderboard</h2>',
    `<div class="board-wrap"><table class="board"><thead><tr>${text.head.map((v) => cell('th', v)).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table></div>`,
    `<ul class="footnotes">${text.footnotes.map((note) => cell('li', note)).join('')}</ul></section>`,
  ].join('\n');
}

/** Per task: score against shots; and against model size when more than one measured model size is present. */
async function plotsSection(board: Leaderboard): Promise<string> {
  const figures: string[] = [];
  for (const task of [...new Set(board.columns.map((c) => c.task))]) {
    const columns = plotColumns(board, task);
    const plots: PlotData[] = [shotsPlot(board, columns)];
    const sizes = new Set(board.rows.filter((r) => !r.published && columns.some((c) => r.cells.has(c.key))).map((r) => r.parameters));
    if (sizes.size > 1) plots.push(sizePlot(board, columns));
    for (const plot of plots) {
      const svg = await renderSvg(plotSpec(plot));
      const alt = `${task}: score against ${plot.by === 'size' ? 'model size' : 'shots'}`;
      figures.push(
        `<figure><img alt="${escapeHtml(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></figure>`,
      );
    }
  }
  return `<section id="plots"><h2>Plots</h2><div class="plots">${figures.join('\n')}</div></section>`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
