// Arguments of tasks and backends: `--task-arg <task>.<name>=<value>` and `--model-arg [<scheme>.]<name>=<value>`.
// A task or a backend declares what it takes (ArgSpec in types.ts); this module parses the flags, sends each to its
// owner, checks it against the declaration and fills in the defaults. The core never reads an argument's meaning: it
// records the values and, for those marked `identity`, makes them part of the configuration identity and the variant.
import { UsageError } from './errors.ts';
import type { ArgSpec, ArgValue, ArgValues } from './types.ts';

/** One `--task-arg` / `--model-arg` as typed: `okvqa.stem=true`, `threads=2`, `okvqa.stem` (a boolean set true). */
export interface ArgAssignment {
  /** The flag it came with, for messages. */
  flag: string;
  /** The text as given. */
  text: string;
  /** `okvqa` in `okvqa.stem=true`: the task id or backend scheme it is for; absent: the run's only task / model. */
  scope?: string;
  name: string;
  /** The value as typed; absent: `true` for a boolean. */
  value?: string;
}

/** Who takes the arguments, for messages: `task okvqa`, `backend onnx`. */
export interface ArgOwner {
  kind: 'task' | 'backend';
  id: string;
}

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Parses `[<scope>.]<name>[=<value>]`; the scope is what comes before the last dot of the part before `=`. */
export function parseArgAssignment(flag: string, text: string): ArgAssignment {
  const eq = text.indexOf('=');
  const key = (eq < 0 ? text : text.slice(0, eq)).trim();
  const dot = key.lastIndexOf('.');
  const scope = dot < 0 ? undefined : key.slice(0, dot);
  const name = dot < 0 ? key : key.slice(dot + 1);
  if (!NAME.test(name) || scope === '') {
    throw new UsageError(
      `${flag} ${text}: expected [<${flag === '--task-arg' ? 'task' : 'scheme'}>.]<name>=<value>, the name in lower case ` +
        `with hyphens (e.g. ${flag === '--task-arg' ? '--task-arg okvqa.stem=true' : '--model-arg threads=2'})`,
    );
  }
  return { flag, text, ...(scope !== undefined ? { scope } : {}), name, ...(eq < 0 ? {} : { value: text.slice(eq + 1) }) };
}

/**
 * Sends each assignment to the owner its scope names (`scopes`: the run's task ids, or its backend's scheme). An
 * assignment without a scope goes to the only owner; with several, it must name one.
 */
export function routeArgs(assignments: ArgAssignment[], scopes: string[], what: string): Map<string, ArgAssignment[]> {
  const routed = new Map<string, ArgAssignment[]>(scopes.map((scope) => [scope, []]));
  for (const assignment of assignments) {
    const scope = assignment.scope ?? (scopes.length === 1 ? scopes[0]! : undefined);
    if (scope === undefined) {
      throw new UsageError(
        `${assignment.flag} ${assignment.text}: this run has ${scopes.length} ${what}s (${scopes.join(', ')}): ` +
          `name the one it is for, e.g. ${assignment.flag} ${scopes[0]}.${assignment.text}`,
      );
    }
    const list = routed.get(scope);
    if (!list) {
      throw new UsageError(
        `${assignment.flag} ${assignment.text}: this run has no ${what} ${scope} (its ${what}${scopes.length > 1 ? 's' : ''}: ` +
          `${scopes.join(', ') || 'none'})`,
      );
    }
    list.push(assignment);
  }
  return routed;
}

/**
 * The owner's argument values: each given one checked against its declaration, the others at their defaults (those
 * without a default are left out). `given` is what the flags said, or values set in code (strings are parsed as typed).
 * An argument the owner does not declare is a usage error that lists what it accepts.
 */
export function resolveArgs(owner: ArgOwner, specs: readonly ArgSpec[] | undefined, given: ArgAssignment[] | ArgValues): ArgValues {
  const declared = specs ?? [];
  const assignments: ArgAssignment[] = Array.isArray(given)
    ? given
    : Object.entries(given).map(([name, value]) => ({ flag: `${owner.kind} argument`, text: `${name}=${String(value)}`, name, value: value as never }));
  const values: ArgValues = {};
  for (const spec of declared) if (spec.default !== undefined) values[spec.name] = spec.default;
  const seen = new Map<string, ArgAssignment>();
  for (const assignment of assignments) {
    const spec = declared.find((candidate) => candidate.name === assignment.name);
    const where = `${assignment.flag} ${assignment.text}`;
    if (!spec) {
      throw new UsageError(`${where}: ${owner.kind} ${owner.id} has no argument "${assignment.name}"; ${acceptedArgs(owner, declared)}`);
    }
    const twice = seen.get(spec.name);
    if (twice) throw new UsageError(`${where}: ${owner.kind} ${owner.id}'s argument ${spec.name} is already set by ${twice.flag} ${twice.text}`);
    seen.set(spec.name, assignment);
    values[spec.name] = argValue(spec, assignment.value, where);
  }
  return values;
}

/** `it accepts: stem (boolean, default false): ...; ...` or `it accepts none`. */
export function acceptedArgs(owner: ArgOwner, specs: readonly ArgSpec[]): string {
  if (specs.length === 0) return `${owner.kind} ${owner.id} takes no arguments`;
  return `it accepts: ${specs.map(describeArg).join('; ')}`;
}

/** `stem (boolean, default false): stem answers ...` */
export function describeArg(spec: ArgSpec): string {
  const details = [
    spec.choices ? spec.choices.join(' | ') : spec.type,
    ...(spec.min !== undefined ? [`>= ${spec.min}`] : []),
    ...(spec.default !== undefined ? [`default ${String(spec.default)}`] : []),
  ];
  return `${spec.name} (${details.join(', ')}): ${spec.description}`;
}

function argValue(spec: ArgSpec, typed: unknown, where: string): ArgValue {
  const bad = (expected: string) => new UsageError(`${where}: ${spec.name} takes ${expected}`);
  let value: ArgValue;
  if (spec.type === 'boolean') {
    if (typed === undefined || typed === true || typed === 'true') value = true;
    else if (typed === false || typed === 'false') value = false;
    else throw bad('true or false');
  } else if (typed === undefined) {
    throw new UsageError(`${where}: ${spec.name} needs a value (${spec.name}=<${spec.type}>)`);
  } else if (spec.type === 'integer' || spec.type === 'number') {
    const text = String(typed).trim();
    const number = Number(text);
    const ok = text !== '' && Number.isFinite(number) && (spec.type === 'number' || (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(number)));
    if (!ok) throw bad(spec.type === 'integer' ? 'an integer' : 'a number');
    if (spec.min !== undefined && number < spec.min) throw bad(`${spec.type === 'integer' ? 'an integer' : 'a number'} >= ${spec.min}`);
    value = number;
  } else {
    value = String(typed);
    if (value.trim() === '') throw bad('a non-empty value');
    if (spec.choices && !spec.choices.includes(value)) throw bad(`one of ${spec.choices.join(', ')}`);
  }
  const problem = spec.check?.(value);
  if (problem !== undefined) throw new UsageError(`${where}: ${problem}`);
  return value;
}

/** The values of the `identity` arguments that differ from their defaults: the run's variant, in declaration order. */
export function identityArgs(specs: readonly ArgSpec[] | undefined, values: ArgValues): ArgValues {
  const variant: ArgValues = {};
  for (const spec of specs ?? []) {
    const value = values[spec.name];
    if (spec.identity && value !== undefined && value !== (spec.default ?? (spec.type === 'boolean' ? false : undefined))) {
      variant[spec.name] = value;
    }
  }
  return variant;
}

/** The declaration as `tasks --json` and `models --json` show it (no functions). */
export function listArgs(specs: readonly ArgSpec[] | undefined): Omit<ArgSpec, 'check'>[] {
  return (specs ?? []).map(({ check: _check, ...spec }) => ({ ...spec, identity: spec.identity === true }));
}

/** Checks a plugin's declarations (a user's module may get them wrong); `where` starts the error. */
export function checkArgSpecs(value: unknown, where: string): ArgSpec[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new UsageError(`${where}: "args" must be a list of argument declarations`);
  const names = new Set<string>();
  for (const [i, spec] of value.entries()) {
    const s = spec as Partial<ArgSpec> | null;
    const at = `${where}: args[${i}]`;
    if (typeof s?.name !== 'string' || !NAME.test(s.name)) throw new UsageError(`${at}: "name" must be lower-case words joined by hyphens`);
    if (names.has(s.name)) throw new UsageError(`${at}: the name ${s.name} is declared twice`);
    names.add(s.name);
    if (!['boolean', 'integer', 'number', 'string'].includes(String(s.type))) {
      throw new UsageError(`${at} (${s.name}): "type" must be boolean, integer, number or string`);
    }
    if (typeof s.description !== 'string' || s.description === '') throw new UsageError(`${at} (${s.name}): "description" must be a non-empty string`);
    if (s.default !== undefined) argValue(s as ArgSpec, s.default, `${at} (${s.name}) default`);
  }
  return value as ArgSpec[];
}
