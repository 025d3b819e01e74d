// What `flamingo-eval models` lists: the backends (`--model <scheme>:...`) and the built-in models with their sizes.
import { listArgs } from '../core/args.ts';
import { renderTable } from '../core/table.ts';
import { formatParameters } from '../core/format.ts';
import type { BackendFactory } from '../core/types.ts';
import { DEFAULT_MODEL, backendFactories, builtinModels, type BuiltinModel } from './index.ts';

export interface ModelListing {
  /** The model a run uses without --model. */
  default: string;
  /** Each backend and the arguments it takes (`--model-arg [<scheme>.]<name>=<value>`). */
  backends: { scheme: string; description: string; args: ReturnType<typeof listArgs> }[];
  models: { name: string; spec: string; description: string; parameters: number | null }[];
}

export function listModels(
  factories: BackendFactory[] = backendFactories,
  models: BuiltinModel[] = builtinModels,
  defaultModel: string = DEFAULT_MODEL,
): ModelListing {
  return {
    default: defaultModel,
    backends: factories.map((f) => ({ scheme: f.scheme, description: f.description, args: listArgs(f.args) })),
    models: models.map((m) => ({
      name: m.name,
      spec: m.spec,
      description: m.description,
      parameters: m.parameters ?? null,
    })),
  };
}

export function renderModelListing(listing: ModelListing, colour?: boolean): string {
  const backends = renderTable(
    ['backend', 'use as', 'description'],
    listing.backends.map((b) => [b.scheme, `--model ${b.scheme}:...`, b.description]),
    colour,
  );
  const models =
    listing.models.length === 0
      ? 'Built-in models: none yet.'
      : 'Built-in models:\n' +
        renderTable(
          ['model', 'parameters', 'spec', 'description'],
          listing.models.map((m) => [
            m.name,
            m.parameters === null ? '-' : formatParameters(m.parameters),
            m.spec,
            m.description,
          ]),
          colour,
        );
  const withArgs = listing.backends.filter((b) => b.args.length > 0);
  const args = renderTable(
    ['backend', 'argument (--model-arg <name>=<value>)', 'type', 'default', 'what it does'],
    withArgs.flatMap((b) => b.args.map((a) => [b.scheme, a.name, a.type, a.default === undefined ? '-' : String(a.default), a.description])),
    colour,
  );
  return (
    `Backends:\n${backends}\n\n` +
    (withArgs.length > 0 ? `Backend arguments:\n${args}\n\n` : '') +
    `${models}\n\n` +
    `Default model: ${listing.default}. A backend of your own: --model ./my-backend.js (a module whose default ` +
    'export is a BackendFactory or a Backend).\n'
  );
}

