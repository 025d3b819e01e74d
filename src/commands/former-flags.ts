// Run flags of earlier versions that became task or backend arguments (ArgSpec.replaces): `--okvqa-stem` ->
// `--task-arg okvqa.stem=true`, `--threads 2` -> `--model-arg threads=2`. They are refused with the replacement rather
// than commander's "unknown option", found from the built-in tasks' and backends' declarations (loaded only when the
// command line holds a flag the run command does not know, so other command lines pay nothing).
import type { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { ArgSpec } from '../core/types.ts';

interface FormerFlag {
  flag: string;
  takesValue: boolean;
  /** `--task-arg okvqa.stem=true` for each task or backend that declares it. */
  replacements: ((value: string) => string)[];
}

async function formerFlags(): Promise<Map<string, FormerFlag>> {
  const [{ builtinTasks }, { backendFactories }] = await Promise.all([import('../tasks/index.ts'), import('../backends/index.ts')]);
  const owners: { flag: '--task-arg' | '--model-arg'; scope: string; specs?: ArgSpec[] }[] = [
    ...Object.values(builtinTasks).map((task) => ({ flag: '--task-arg' as const, scope: `${task.id}.`, specs: task.args })),
    ...backendFactories.map((factory) => ({ flag: '--model-arg' as const, scope: '', specs: factory.args })),
  ];
  const found = new Map<string, FormerFlag>();
  for (const owner of owners) {
    for (const spec of owner.specs ?? []) {
      if (!spec.replaces) continue;
      const former = found.get(spec.replaces) ?? { flag: spec.replaces, takesValue: spec.type !== 'boolean', replacements: [] };
      former.replacements.push((value) => `${owner.flag} ${owner.scope}${spec.name}=${spec.type === 'boolean' ? 'true' : value}`);
      found.set(spec.replaces, former);
    }
  }
  return found;
}

/**
 * Throws a UsageError naming the replacement when `argv` (after the program name) gives the run command a flag of an
 * earlier version. Other commands and flags the run command knows are left to commander.
 */
export async function refuseFormerFlags(program: Command, argv: string[]): Promise<void> {
  const names = new Set(program.commands.map((command) => command.name()));
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (first !== undefined && names.has(first) && first !== 'run') return;
  const run = program.commands.find((command) => command.name() === 'run');
  // The program's own flags (--version, --help) are known too: looking up former flags loads every task module,
  // which `flamingo-eval --version` must not pay for (bench/startup.ts).
  const known = new Set([...(run?.options ?? []), ...program.options].map((option) => option.long));
  known.add('--help');
  const unknown = argv.findIndex((arg) => arg.startsWith('--') && !known.has(arg.split('=')[0]!) && arg !== '--');
  if (unknown < 0) return;
  const [flag, inline] = argv[unknown]!.split(/=(.*)/s) as [string, string | undefined];
  const former = (await formerFlags()).get(flag);
  if (!former) return;
  const value = inline ?? (former.takesValue ? (argv[unknown + 1] ?? '<value>') : '');
  const given = former.takesValue ? `${flag} ${value}` : flag;
  const instead = former.replacements.map((replacement) => replacement(value));
  throw new UsageError(
    `${given}: this flag is now ${instead.length === 1 ? instead[0] : `one of ${instead.join(', ')} (per task)`}, ` +
      'an argument of the task or backend it concerns (`flamingo-eval tasks --json`, `flamingo-eval models --json` list them)',
  );
}
