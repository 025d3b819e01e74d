// `flamingo-eval compare <A> <B>`: is B better than A, and by how much? Paired bootstrap differences per task x shots
// x variant (src/compare/pairs.ts), for the terminal, Markdown, CSV or JSON. A and B are record files or folders of
// records (one model each); `--shots-a 4 --shots-b 32` compares two shot counts (of one model, or of two).
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../core/errors.ts';
import { useColour } from '../core/table.ts';
import type { Comparison, CompareOptions } from '../compare/pairs.ts';
import { writeOutput } from './output.ts';

export type CompareFormat = 'table' | 'csv' | 'md' | 'json';

export async function compareCommand(
  a: string,
  b: string,
  options: CompareOptions & { format: CompareFormat; colour: boolean },
  warn: (line: string) => void = () => {},
): Promise<{ text: string; comparison: Comparison }> {
  // Loaded here, not at the top: the CLI registers every command at start-up and loads a command's modules only when
  // it runs.
  const [{ compare }, render] = await Promise.all([import('../compare/pairs.ts'), import('../compare/render.ts')]);
  const comparison = await compare([a], [b], options);
  comparison.warnings.forEach(warn);
  if (comparison.cells.length === 0) {
    const why = [
      ...comparison.refused.map((r) => `${r.task} ${r.shotsA === r.shotsB ? `${r.shotsA}-shot` : `${r.shotsA} → ${r.shotsB} shots`}: ${r.reason}`),
      ...comparison.unmatched,
    ];
    throw new InputError(`nothing to compare between ${a} and ${b}${why.length > 0 ? `:\n  ${why.join('\n  ')}` : ''}`, a);
  }
  const text =
    options.format === 'json'
      ? `${JSON.stringify({ cells: comparison.cells, refused: comparison.refused, unmatched: comparison.unmatched }, null, 2)}\n`
      : options.format === 'csv'
        ? render.renderComparisonCsv(comparison)
        : options.format === 'md'
          ? render.renderComparisonMarkdown(comparison)
          : render.renderComparisonTable(comparison, options.colour);
  return { text, comparison };
}

const integer = (flag: string, min: number) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
};

const list = (flag: string) => (value: string): string[] => {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return items;
};

interface CompareFlags {
  shotsA?: number;
  shotsB?: number;
  task?: string[];
  shots?: string[];
  format: 'table' | 'csv' | 'md';
  json?: boolean;
  samples: number;
  seed: number;
  level: number;
  data?: string;
  output?: string;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Is B better than A? Paired bootstrap differences (95% CI, p-value, Holm) per task x shots on the same queries')
    .argument('<A>', 'run records of the baseline: a record file or a folder (one model)')
    .argument('<B>', 'run records compared with A: a record file or a folder (one model)')
    .addOption(new Option('--shots-a <n>', "compare A's records at this shot count ...").argParser(integer('--shots-a', 0)))
    .addOption(new Option('--shots-b <n>', "... with B's at this one (e.g. --shots-a 4 --shots-b 32)").argParser(integer('--shots-b', 0)))
    .addOption(new Option('--task <ids>', 'only these tasks (comma-separated), in this order').argParser(list('--task')))
    .addOption(new Option('--shots <list>', 'only these shot counts (comma-separated)').argParser(list('--shots')))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'md']).default('table'))
    .option('--json', 'print the comparison as JSON (cells, refused pairs, unmatched cells)')
    .addOption(new Option('--samples <n>', 'bootstrap resamples').default(1000).argParser(integer('--samples', 100)))
    .addOption(new Option('--seed <n>', 'seed of the resampling').default(0).argParser(integer('--seed', 0)))
    .addOption(
      new Option('--level <p>', 'coverage of the intervals (and 1 - level the significance threshold)')
        .default(0.95)
        .argParser((value: string) => {
          const level = Number(value);
          if (!(level > 0.5 && level < 1)) throw new UsageError(`--level must be a number between 0.5 and 1, got "${value}"`);
          return level;
        }),
    )
    .option('--data <dir>', 'the task data the records were scored on, when not where they say (checked by sha256)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (a: string, b: string, flags: CompareFlags) => {
      const warn = (line: string) => process.stderr.write(`flamingo-eval compare: ${line}\n`);
      const shots = flags.shots?.map((value) => integer('--shots', 0)(value));
      const { text } = await compareCommand(
        a,
        b,
        {
          ...(flags.shotsA !== undefined ? { shotsA: flags.shotsA } : {}),
          ...(flags.shotsB !== undefined ? { shotsB: flags.shotsB } : {}),
          ...(flags.task ? { tasks: flags.task } : {}),
          ...(shots ? { shots } : {}),
          ...(flags.data ? { dataDir: flags.data } : {}),
          samples: flags.samples,
          seed: flags.seed,
          level: flags.level,
          format: flags.json ? 'json' : flags.format,
          colour: flags.output === undefined && useColour(process.stdout),
        },
        warn,
      );
      await writeOutput('compare', flags.output, text);
    });
}
