// The command line: `flamingo-eval [run] --task okvqa --shots 4`, and the subcommands. Each subcommand lives in
// src/commands/<name>.ts and registers itself here; this file only wires them and maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from './core/errors.ts';
import { VERSION } from './core/version.ts';
import { registerRun } from './commands/run.ts';
import { registerScore } from './commands/score.ts';
import { registerLeaderboard } from './commands/leaderboard.ts';
import { registerCompare } from './commands/compare.ts';
import { registerTasks } from './commands/tasks.ts';
import { registerModels } from './commands/models.ts';
import { registerMerge } from './commands/merge.ts';
import { registerPlot } from './commands/plot.ts';
import { registerReport } from './commands/report.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerCheckServer } from './commands/check-server.ts';
import { refuseFormerFlags } from './commands/former-flags.ts';

export function buildProgram(): Command {
  const program = new Command('flamingo-eval')
    .description('Few-shot evaluation of Flamingo-style vision-language models')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  registerRun(program);
  registerScore(program);
  registerLeaderboard(program);
  registerCompare(program);
  registerTasks(program);
  registerModels(program);
  registerMerge(program);
  registerPlot(program);
  registerReport(program);
  registerSweep(program);
  registerCheckServer(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code (0 done, 1 a run failed, 2 bad usage or input). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await refuseFormerFlags(program, argv.slice(2));
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message; help and version exit 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`flamingo-eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  }
}
