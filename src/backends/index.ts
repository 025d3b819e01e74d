// The backend registry: `--model <spec>` -> a Backend. A spec is a built-in model name, `<scheme>:<rest>` for a
// registered factory, or a path to a module whose default export is a BackendFactory or a Backend
// (`--model ./my-backend.js` or `--model ./my-backend.js:<rest>`, where <rest> goes to the factory's create()).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.ts';
import type { Backend, BackendFactory, BackendOptions, ModelInfo } from '../core/types.ts';
import { baselineFactory } from './baseline.ts';
import { builtinOnnxModels, onnxFactory } from './onnx/index.ts';
import { openaiFactory } from './openai/index.ts';
import { importPluginModule } from '../core/plugin-module.ts';

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

const MODULE_PATH = /^(.+\.(?:m?js|cjs|m?ts))(?::(.*))?$/;

/** True when the spec names a module file rather than a scheme or a built-in name. */
export function isModuleSpec(spec: string): boolean {
  return MODULE_PATH.test(spec) || spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/');
}

/** The spec a built-in name stands for, or the spec itself. */
export function expandModelSpec(spec: string): string {
  return builtinModels.find((model) => model.name === spec)?.spec ?? spec;
}

export async function createBackend(spec: string, options: BackendOptions = {}): Promise<Backend> {
  const expanded = expandModelSpec(spec);
  const colon = expanded.indexOf(':');
  const scheme = colon < 0 ? expanded : expanded.slice(0, colon);
  const rest = colon < 0 ? '' : expanded.slice(colon + 1);
  const factory = backendFactories.find((candidate) => candidate.scheme === scheme);
  if (!factory && isModuleSpec(expanded)) return loadBackendModule(expanded, options);
  if (!factory) {
    const known = [...builtinModels.map((model) => model.name), ...backendFactories.map((f) => `${f.scheme}:...`)];
    throw new UsageError(
      `--model ${spec}: no built-in model or backend scheme by that name (known: ${known.join(', ')}; ` +
        `or give a path to a backend module, e.g. --model ./my-backend.js)`,
    );
  }
  return checkBackend(await factory.create(rest, options), `--model ${spec}`);
}

async function loadBackendModule(spec: string, options: BackendOptions): Promise<Backend> {
  const match = MODULE_PATH.exec(spec);
  const file = match ? match[1]! : spec;
  const rest = match?.[2] ?? '';
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`--model ${spec}: no such backend module: ${path}`);
  let module: { default?: unknown };
  try {
    module = await importPluginModule(path);
  } catch (error) {
    throw new InputError(`${path}: cannot load the backend module: ${(error as Error).message}`, path);
  }
  const exported = module.default;
  if (isFactory(exported)) return checkBackend(await exported.create(rest, options), path);
  if (exported && typeof exported === 'object') return checkBackend(exported, path);
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
