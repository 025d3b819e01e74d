// Loads a user's task or backend module (`--task ./t.js`, `--model ./b.js`).
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/**
 * Imports the module at `path` (absolute). A `.js` file written as an ES module in a folder whose package.json does
 * not say `"type": "module"` (or that has none, as a user's scratch folder) fails under the tsx loader the CLI runs
 * with (ERR_REQUIRE_CYCLE_MODULE on Node 20); tsx's scoped `tsImport` loads it, so that case is retried through it.
 * tsx compiles such a file to CommonJS, so its exports come back wrapped in `default` (marked `__esModule`).
 */
export async function importPluginModule(path: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(path).href;
  try {
    return await import(url);
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== 'ERR_REQUIRE_CYCLE_MODULE') throw error;
    const loaded = (await tsImport(url, import.meta.url)) as { default?: { __esModule?: boolean; default?: unknown } };
    return loaded.default?.__esModule === true ? loaded.default : loaded;
  }
}
