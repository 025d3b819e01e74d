// `flamingo-eval plot [dirs...] --task <id>`: score against shots, one line per model by size (or, with --by size,
// score against parameter count, one line per number of shots), as SVG or PNG.
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../core/errors.ts';

export interface PlotOptions {
  task: string;
  split?: string;
  by: 'shots' | 'size';
  paper: boolean;
}

/** The plot of the records under `dirs`, as SVG text. */
export async function plotSvg(dirs: string[], options: PlotOptions, warn: (line: string) => void = () => {}): Promise<string> {
  const [{ loadBoard }, { renderSvg }, { plotColumns, shotsPlot, sizePlot }, { plotSpec }] = await Promise.all([
    import('../plot/board.ts'),
    import('../plot/render.ts'),
    import('../plot/series.ts'),
    import('../plot/spec.ts'),
  ]);
  const { board } = await loadBoard(dirs, options.paper, warn, options.task);
  const columns = plotColumns(board, options.task, options.split);
  const data = options.by === 'size' ? sizePlot(board, columns) : shotsPlot(board, columns);
  if (options.paper && !data.series.some((s) => s.published)) {
    warn(`--paper: no published numbers for ${options.task} at the shots recorded`);
  }
  return renderSvg(plotSpec(data));
}

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('Plot a task\'s score against shots (one line per model, by size) or, with --by size, against model size')
    .argument('[dirs...]', 'folders searched recursively for run records', ['results'])
    .requiredOption('--task <ids>', 'the task to plot; several (comma-separated) need -o and give one file per task, <name>-<task>.<ext>')
    .option('--split <name>', 'the --split of the runs to plot (default: the task\'s default query split)')
    .addOption(new Option('--by <axis>', 'x axis: shots, or size (parameter count)').choices(['shots', 'size']).default('shots'))
    .option('--paper', 'add the published Flamingo, OpenFlamingo and IDEFICS numbers as dashed lines', false)
    .option('-o, --output <file>', 'write SVG (.svg) or PNG (.png) to this file instead of SVG to stdout')
    .action(async (dirs: string[], opts: PlotOptions & { output?: string }) => {
      const warn = (line: string) => process.stderr.write(`flamingo-eval plot: ${line}\n`);
      const format = opts.output === undefined ? '.svg' : extname(opts.output).toLowerCase();
      if (format !== '.svg' && format !== '.png') {
        throw new UsageError(`--output ${opts.output}: give a file name ending in .svg or .png`);
      }
      const tasks = [...new Set(opts.task.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
      if (tasks.length === 0) throw new UsageError('--task: name the task to plot');
      if (tasks.length > 1 && opts.output === undefined) {
        throw new UsageError(
          `--task ${opts.task}: a plot shows one task; give -o <name>.svg or -o <name>.png to write one file per task ` +
            `(<name>-${tasks[0]}.svg, ...), or plot one task at a time`,
        );
      }
      // Every task is drawn before any file is written, so a task without records writes nothing.
      const svgs = [];
      for (const task of tasks) svgs.push({ task, svg: await plotSvg(dirs, { ...opts, task }, warn) });
      if (opts.output === undefined) {
        process.stdout.write(`${svgs[0]!.svg}\n`);
        return;
      }
      for (const { task, svg } of svgs) {
        const output = tasks.length === 1 ? opts.output : `${opts.output.slice(0, -format.length)}-${task}${format}`;
        try {
          const png = format === '.png' ? await (await import('../plot/render.ts')).svgToPng(svg) : undefined;
          await writeFile(output, png ?? `${svg}\n`);
        } catch (error) {
          throw new InputError(`--output ${output}: cannot write (${(error as Error).message})`, output);
        }
        process.stderr.write(`flamingo-eval plot: wrote ${output}\n`);
      }
    });
}
