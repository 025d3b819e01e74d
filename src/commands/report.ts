// `flamingo-eval report [dirs...] -o report.html`: the leaderboard, the plots and a browser of every record's examples
// in one self-contained HTML file.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError, UsageError } from '../core/errors.ts';

function positive(flag: string, max: number, why: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${text}: give a positive whole number`);
    // Larger values would not be honoured (thumbnails never exceed the image) and bloat the one HTML file.
    if (n > max) throw new UsageError(`${flag} ${text}: at most ${max} (${why})`);
    return n;
  };
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write one self-contained HTML file: leaderboard, plots, and a browser of each record\'s examples')
    .argument('[dirs...]', 'folders searched recursively for run records', ['results'])
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .option('--paper', 'add the published Flamingo, OpenFlamingo and IDEFICS numbers to the leaderboard and plots', false)
    .option('--thumbnail-size <pixels>', 'longest side of the image thumbnails', positive('--thumbnail-size', 1024, 'thumbnails are embedded in the HTML file'), 96)
    .option('--video-frames <n>', 'frames in the strip shown for a video', positive('--video-frames', 64, 'a strip of frames per video, embedded in the HTML file'), 6)
    .action(async (dirs: string[], opts: { output: string; paper: boolean; thumbnailSize: number; videoFrames: number }) => {
      const warn = (line: string) => process.stderr.write(`flamingo-eval report: ${line}\n`);
      const { buildReport } = await import('../report/build.ts');
      const report = await buildReport(dirs, { paper: opts.paper, size: opts.thumbnailSize, videoFrames: opts.videoFrames }, warn);
      try {
        await writeFile(opts.output, report.html);
      } catch (error) {
        throw new InputError(`--output ${opts.output}: cannot write (${(error as Error).message})`, opts.output);
      }
      const mb = (Buffer.byteLength(report.html) / 1e6).toFixed(1);
      process.stderr.write(
        `flamingo-eval report: wrote ${opts.output} (${mb} MB: ${report.records} record${report.records === 1 ? '' : 's'}, ` +
          `${report.examples} example${report.examples === 1 ? '' : 's'}, ${report.media} media)\n`,
      );
    });
}
