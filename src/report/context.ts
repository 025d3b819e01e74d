// The report's "Context use" section: one panel per record (model x run variant x task x shots), its ablations beside
// it as further lines of the same table, each with its score, its change against the plain run, and how its answers
// relate to the demonstrations' answers (src/run/context-use.ts).
import type { ContextSide, ContextUse } from '../core/types.ts';
import { rowName } from '../leaderboard/board.ts';
import type { RecordEntry } from '../leaderboard/records.ts';
import { formatMean } from '../leaderboard/text.ts';
import { ABLATION_DESCRIPTIONS } from '../run/ablation.ts';
import { escapeHtml } from './html.ts';

export interface ContextPanel {
  title: string;
  lines: { label: string; file: string; mean: number; delta: number | null; figures?: ContextUse }[];
}

/** The panels: the chosen records grouped by everything but their ablation, plain run first. */
export function contextPanels(entries: RecordEntry[]): ContextPanel[] {
  const groups = new Map<string, RecordEntry[]>();
  for (const entry of entries) {
    const { ablation: _ablation, ...plain } = entry;
    const key = JSON.stringify([entry.model, rowName(entry.model, plain), entry.task, entry.split, entry.metric, entry.shots]);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const panels: ContextPanel[] = [];
  for (const group of groups.values()) {
    const plain = group.find((entry) => !entry.ablation);
    // A record whose prompts show no demonstration (0 shots without text demonstrations) has nothing to show.
    if (!group.some((entry) => entry.contextUse || entry.ablation || entry.shots > 0)) continue;
    const first = plain ?? group[0]!;
    const { ablation: _ablation, ...variant } = first;
    const task = first.split !== null ? `${first.task} (${first.split})` : first.task;
    const ordered = group.slice().sort((a, b) => Number(a.ablation !== undefined) - Number(b.ablation !== undefined) || (a.ablation ?? '').localeCompare(b.ablation ?? ''));
    panels.push({
      title: `${rowName(first.model, variant)} · ${task} · ${first.shots}-shot · ${first.metric}`,
      lines: ordered.map((entry) => ({
        label: entry.ablation ? `ablation ${entry.ablation}: ${ABLATION_DESCRIPTIONS[entry.ablation]}` : 'plain run',
        file: entry.file,
        mean: entry.mean,
        delta: entry.ablation && plain ? entry.mean - plain.mean : null,
        ...(entry.contextUse ? { figures: entry.contextUse } : {}),
      })),
    });
  }
  return panels;
}

function rate(value: number, chance: number | null): string {
  return `${formatMean(value)}% (${chance === null ? '-' : `${formatMean(chance)}%`})`;
}

function side(value: ContextSide): string {
  const n = Number.isInteger(value.n) ? String(value.n) : value.n.toFixed(1);
  return `${value.score === null ? '-' : formatMean(value.score)} (n ${n})`;
}

export function contextSection(entries: RecordEntry[]): string {
  const panels = contextPanels(entries);
  const cell = (tag: string, value: string, title?: string) =>
    `<${tag}${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(value)}</${tag}>`;
  const head = ['run', 'score', 'Δ vs plain', 'copy (chance)', 'last demo (chance)', 'majority (chance)',
    'score: answer in context', 'score: not in context'];
  const html = panels.map((panel) => {
    const rows = panel.lines.map((line) => {
      const f = line.figures;
      const values = [
        line.label,
        formatMean(line.mean),
        line.delta === null ? '' : `${line.delta >= 0 ? '+' : ''}${formatMean(line.delta)}`,
        f ? rate(f.copy, f.copyChance) : 'no figures',
        f ? rate(f.last, f.lastChance) : '',
        f ? rate(f.majority, f.majorityChance) : '',
        f ? side(f.answerInContext.yes) : '',
        f ? side(f.answerInContext.no) : '',
      ];
      return `<tr>${values.map((v, i) => cell('td', v, i === 0 ? line.file : undefined)).join('')}</tr>`;
    });
    return [
      `<div class="context-panel"><h3>${escapeHtml(panel.title)}</h3>`,
      `<div class="board-wrap"><table class="board"><thead><tr>${head.map((v) => cell('th', v)).join('')}</tr></thead>`,
      `<tbody>${rows.join('')}</tbody></table></div></div>`,
    ].join('');
  });
  const note =
    'How each run used its context, over the prompts that show demonstrations (means over seeds): how often the ' +
    "answer equals a demonstration's answer (copy), the last demonstration's, or the most frequent one's (majority), " +
    "compared after the task's answer normalisation (close-ended tasks: the chosen class); in brackets the same rate " +
    "against the other prompts' demonstrations (chance). The score is split by whether a demonstration shows a " +
    'correct answer for the query. Ablation lines: the same run with one thing taken from its prompts; Δ is its ' +
    'score minus the plain run\'s. "no figures": a record written before context use was measured.';
  return [
    '<section id="context-use"><h2>Context use</h2>',
    `<p class="meta">${escapeHtml(note)}</p>`,
    panels.length > 0 ? html.join('\n') : '<p class="meta">No record here has demonstrations in its prompts.</p>',
    '</section>',
  ].join('\n');
}
