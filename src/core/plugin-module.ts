// Loads a user's task or backend module (`--task ./t.js`, `--model ./b.js`).
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.ts';

/**
 * Imports the module at `path` (absolute). A TypeScript module (`.ts`, `.mts`, `.cts`) is compiled on the fly by tsx,
 * which the user installs beside flamingo-eval (`npm install tsx`): the shipped CLI is plain JavaScript and does not
 * carry a TypeScript compiler. A `.js` file written as an ES module in a folder whose package.json does
 * not say `"type": "module"` (or that has none, as a user's scratch folder) fails under the tsx loader the CLI runs
 * with (ERR_REQUIRE_CYCLE_MODULE on Node 20); tsx's scoped `tsImport` loads it, so that case is retried through it.
 * tsx compiles such a file to CommonJS, so its exports come back wrapped in `default` (marked `__esModule`).
 */
export async function importPluginModule(path: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(path).href;
  try {
    // Where a TypeScript loader is already registered (development, tests), a .ts module loads as any other and
    // shares this process's module instances.
    return await import(url);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code !== 'ERR_REQUIRE_CYCLE_MODULE' && code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    return viaTsx(url, path);
  }
}

async function viaTsx(url: string, path: string): Promise<{ default?: unknown }> {
  let tsx: typeof import('tsx/esm/api');
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    throw new UsageError(`${path}: a TypeScript plugin needs tsx to load it: run \`npm install tsx\` beside flamingo-eval, or compile the module to JavaScript`);
  }
  const loaded = (await tsx.tsImport(url, import.meta.url)) as { default?: { __esModule?: boolean; default?: unknown } };
  return loaded.default?.__esModule === true ? loaded.default : loaded;
}

// A module file: a JavaScript or TypeScript file name, optionally followed by `:<rest>` for a backend factory.
const MODULE_FILE = /^(.+\.(?:m?js|cjs|m?ts|cts))(?::(.*))?$/;
// A path however it is written: `./x`, `../x`, `/x`, `.\x`, `C:\x`.
const PATH_START = /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/;

/**
 * True when `--task` or `--model` names a module file rather than a built-in id, name or `<scheme>:<rest>`: a
 * JavaScript or TypeScript file name (`my-task.js`, `./b.mjs:large`) or a path (`./x`, `../x`, `/x`). A scheme's
 * rest may hold slashes (`openai:org/model`), so a slash alone does not make a path. The one test for both.
 */
export function isModuleSpec(spec: string): boolean {
  return MODULE_FILE.test(spec) || PATH_START.test(spec);
}

/** `./b.js:large` -> the file `./b.js` and what follows it (`large`; '' when nothing does). */
export function splitModuleSpec(spec: string): { file: string; rest: string } {
  const match = MODULE_FILE.exec(spec);
  return match ? { file: match[1]!, rest: match[2] ?? '' } : { file: spec, rest: '' };
}
