// placeholder, replaced below
import type { ArgSpec, ArgValues } from '../core/types.ts';

/**
 * The task arguments a record was run with: its `config.taskArgs`, or in records written before task arguments
 * existed, the top-level config keys that named them: `<taskId><Name>` (`okvqaStem`) or `<name>` in camel case
 * (`keepAllScores`), for the arguments the task declares.
 */
export function recordedTaskArgs(config: Record<string, unknown>, specs: readonly ArgSpec[] | undefined): ArgValues {
  const recorded = config.taskArgs;
  if (typeof recorded === 'object' && recorded !== null && !Array.isArray(recorded)) {
    const known = new Set((specs ?? []).map((spec) => spec.name));
    return Object.fromEntries(Object.entries(recorded as ArgValues).filter(([name]) => known.has(name)));
  }
  const values: ArgValues = {};
  const task = typeof config.task === 'string' ? config.task : '';
  for (const spec of specs ?? []) {
    const camel = spec.name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    const legacy = config[`${task}${camel[0]!.toUpperCase()}${camel.slice(1)}`] ?? config[camel];
    if (typeof legacy === 'boolean' || typeof legacy === 'number' || typeof legacy === 'string') values[spec.name] = legacy;
  }
  return values;
}
