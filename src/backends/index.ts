// The backend registry: `--model <spec>` -> a Backend. A spec is a built-in model name, `<scheme>:<rest>` for a
// registered factory, or a path to a module whose default export is a BackendFactory or a Backend
// (`--model ./my-backend.js` or `--model ./my-backend.js:<rest>`, where <rest> goes to the factory's create()).
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { checkArgSpecs, resolveArgs, type ArgAssignment } from '../core/args.ts';
import { describeUsedFile } from '../core/data-files.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { ArgSpec, ArgValues, Backend, BackendFactory, BackendOptions, ModelInfo } from '../core/types.ts';
import { baselineFactory } from './baseline.ts';
import { builtinOnnxModels, onnxFactory } from './onnx/index.ts';
import { openaiFactory } from './openai/index.ts';
import { importPluginModule, isModuleSpec, splitModuleSpec } from '../core/plugin-module.ts';

export { DEFAULT_MODEL } from './defaults.ts';

export interface BuiltinModel {
  /** The name users type: `--model <name>`. */
  name: string;
  /** The spec it stands for (`<scheme>:<rest>`). */
  spec: string;
  description: string;
  parameters?: number;
}

/** Factories by scheme. Backend authors add theirs here. */
export const backendFactories: BackendFactory[] = [baselineFactory, onnxFactory, openaiFactory];

/** Built-in model names. */
export const builtinModels: BuiltinModel[] = [...builtinOnnxModels];

/** The spec a built-in name stands for, or the spec itself. */
export function expandModelSpec(spec: string): string {
  return builtinModels.find((model) => model.name === spec)?.spec ?? spec;
}

/** What createBackend() is given: the run's settings, and the backend's arguments as typed or as values. */
export interface CreateOptions extends Omit<BackendOptions, 'args'> {
  /** `--model-arg` assignments (their scope already checked against `scope`), or values set in code. */
  args?: ArgAssignment[] | ArgValues;
}

/** A backend with what the run records about it. */
export interface OpenedBackend {
  backend: Backend;
  /** What `--model-arg <scope>.<name>=` names: the scheme (`onnx`), or the module file's name. */
  scope: string;
  /** The arguments it declares, and their values (checked, defaults filled in). */
  argSpecs: ArgSpec[];
  args: ArgValues;
  /** The backend's part of the configuration identity (Backend.identity(), else the module file's hash or the spec). */
  identity(): Promise<unknown>;
}

/** The scheme or module a spec names, with the arguments it declares: to route and check `--model-arg` before opening. */
export async function backendScope(spec: string): Promise<{ scope: string; argSpecs: ArgSpec[] }> {
  const found = await findFactory(spec);
  return { scope: found.scope, argSpecs: found.factory?.args ?? [] };
}

export async function createBackend(spec: string, options: CreateOptions = {}): Promise<Backend> {
  return (await openBackend(spec, options)).backend;
}

/** `--model <spec>` -> the backend, its arguments checked against what it declares. */
export async function openBackend(spec: string, options: CreateOptions = {}): Promise<OpenedBackend> {
  const found = await findFactory(spec);
  const argSpecs = found.factory?.args ?? [];
  const args = resolveArgs({ kind: 'backend', id: found.scope }, argSpecs, options.args ?? {});
  const created = found.factory
    ? await found.factory.create(found.rest, { ...options, args })
    : found.backend;
  const backend = checkBackend(created, found.where);
  return {
    backend,
    scope: found.scope,
    argSpecs,
    args,
    async identity() {
      if (backend.identity) return backend.identity();
      if (found.modulePath) {
        const used = await describeUsedFile('model', found.modulePath);
        return { files: [{ name: basename(found.modulePath), bytes: used.bytes, sha256: used.sha256 }] };
      }
      return { spec };
    },
  };
}

interface FoundFactory {
  scope: string;
  where: string;
  rest: string;
  factory?: BackendFactory;
  /** A module whose default export is a Backend (no factory). */
  backend?: unknown;
  modulePath?: string;
}

async function findFactory(spec: string): Promise<FoundFactory> {
  const expanded = expandModelSpec(spec);
  const colon = expanded.indexOf(':');
  const scheme = colon < 0 ? expanded : expanded.slice(0, colon);
  const rest = colon < 0 ? '' : expanded.slice(colon + 1);
  const factory = backendFactories.find((candidate) => candidate.scheme === scheme);
  if (factory) return { scope: factory.scheme, where: `--model ${spec}`, rest, factory };
  if (isModuleSpec(expanded)) return loadBackendModule(expanded);
  const known = [...builtinModels.map((model) => model.name), ...backendFactories.map((f) => `${f.scheme}:...`)];
  throw new UsageError(
    `--model ${spec}: no built-in model or backend scheme by that name (known: ${known.join(', ')}; ` +
      `or give a path to a backend module, e.g. --model ./my-backend.js)`,
  );
}

async function loadBackendModule(spec: string): Promise<FoundFactory> {
  const { file, rest } = splitModuleSpec(spec);
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`--model ${spec}: no such backend module: ${path}`);
  let module: { default?: unknown };
  try {
    module = await importPluginModule(path);
  } catch (error) {
    throw new InputError(`${path}: cannot load the backend module: ${(error as Error).message}`, path);
  }
  const exported = module.default;
  if (isFactory(exported)) {
    const args = checkArgSpecs((exported as { args?: unknown }).args, path);
    return { scope: exported.scheme || basename(path), where: path, rest, factory: { ...exported, args }, modulePath: path };
  }
  if (exported && typeof exported === 'object') return { scope: basename(path), where: path, rest, backend: exported, modulePath: path };
  throw new InputError(
    `${path}: the default export must be a BackendFactory ({scheme, description, create}) or a Backend ` +
      `({info, generate, rank, close}); found ${exported === undefined ? 'no default export' : typeof exported}`,
    path,
  );
}

function isFactory(value: unknown): value is BackendFactory {
  return typeof value === 'object' && value !== null && typeof (value as BackendFactory).create === 'function';
}

/** Checks the methods of the Backend contract; `where` names the module or flag for the error. */
export function checkBackend(value: unknown, where: string): Backend {
  const missing = ['info', 'generate', 'rank', 'close'].filter(
    (method) => typeof (value as Record<string, unknown> | null)?.[method] !== 'function',
  );
  if (missing.length > 0) {
    throw new InputError(`${where}: not a backend: missing method(s) ${missing.join(', ')}`, where);
  }
  const embed = (value as Record<string, unknown>).embed;
  if (embed !== undefined && typeof embed !== 'function') {
    throw new InputError(`${where}: not a backend: embed must be a function when present`, where);
  }
  const info = (value as Backend).info() as Partial<ModelInfo> | undefined;
  const wrong = [
    typeof info?.name === 'string' && info.name.trim() !== '' ? '' : 'name (a non-empty string)',
    typeof info?.family === 'string' ? '' : 'family (a string)',
    Number.isFinite(info?.parameters) ? '' : 'parameters (a number)',
    Number.isFinite(info?.contextLength) ? '' : 'contextLength (a number)',
  ].filter(Boolean);
  if (wrong.length > 0) throw new InputError(`${where}: the backend's info() needs ${wrong.join(', ')}`, where);
  return value as Backend;
}
