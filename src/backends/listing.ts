// What `flamingo-eval models` lists: the backends (`--model <scheme>:...`) and the built-in models with their sizes.
import { renderTable } from '../core/table.ts';
import { formatParameters } from '../core/format.ts';
import type { BackendFactory } from '../core/types.ts';
import { DEFAULT_MODEL, backendFactories, builtinModels, type BuiltinModel } from './index.ts';

export interface ModelListing {
  /** The model a run uses without --model. */
  default: string;
  backends: { scheme: string; description: string }[];
  models: { name: string; spec: string; description: string; parameters: number | null }[];
}

export function listModels(
  factories: BackendFactory[] = backendFactories,
  models: BuiltinModel[] = builtinModels,
  defaultModel: string = DEFAULT_MODEL,
): ModelListing {
  return {
    default: defaultModel,
    backends: factories.map((f) => ({ scheme: f.scheme, description: f.description })),
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
  return (
    `Backends:\n${backends}\n\n${models}\n\n` +
    `Default model: ${listing.default}. A backend of your own: --model ./my-backend.js (a module whose default ` +
    'export is a BackendFactory or a Backend).\n'
  );
}

