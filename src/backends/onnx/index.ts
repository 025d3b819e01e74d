// The `onnx` scheme (`--model onnx:<bundle folder>`) and the built-in tiny Flamingo models shipped in models/.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { packagePath } from '../../core/paths.ts';
import type { BackendFactory } from '../../core/types.ts';

/** The folder holding the built-in bundles (`models/` at the package root). */
export const MODELS_DIR = packagePath('models/');

export const onnxFactory: BackendFactory = {
  scheme: 'onnx',
  description: 'a Flamingo-style model exported to ONNX: onnx:<bundle folder> (see docs/bundle-format.md)',
  args: [
    {
      name: 'threads',
      type: 'integer',
      min: 1,
      replaces: '--threads',
      description: "threads the model may use, split among its sessions (default: the machine's cores)",
    },
    {
      name: 'workers',
      type: 'integer',
      min: 0,
      default: 0,
      replaces: '--workers',
      description:
        'run sessions in n worker threads, each taking one batch in flight at a time (0: one session on the main thread, measured faster on 2 cores)',
    },
  ],
  async create(spec, options) {
    if (spec === '') throw new UsageError('--model onnx:<folder>: give the folder of the model bundle (manifest.json, tokenizer.json, vision.onnx, decoder.onnx)');
    if (!existsSync(spec)) throw new UsageError(`--model onnx:${spec}: no such folder`);
    // Loaded on use: onnxruntime-node's native library costs start-up time that other backends need not pay.
    const { OnnxFlamingoBackend } = await import('./backend.ts');
    const args = options.args ?? {};
    return OnnxFlamingoBackend.open(spec, {
      frames: options.frames,
      ...(typeof args.threads === 'number' ? { threads: args.threads } : {}),
      ...(typeof args.workers === 'number' ? { workers: args.workers } : {}),
    });
  },
};

/** The built-in tiny Flamingo models whose bundles are present, with their parameter counts (from the manifests). */
export const builtinOnnxModels = ['s', 'm', 'l']
  .map((size) => ({ size, name: `flamingo-tiny-${size}`, dir: join(MODELS_DIR, `flamingo-tiny-${size}`) }))
  .filter((m) => existsSync(join(m.dir, 'manifest.json')))
  .map((m) => ({
    name: m.name,
    spec: `onnx:${m.dir}`,
    description: `tiny Flamingo (${{ s: 'small', m: 'medium', l: 'large' }[m.size]}), trained by models/builder on the sample-data generator`,
    parameters: (JSON.parse(readFileSync(join(m.dir, 'manifest.json'), 'utf8')) as { parameters: number }).parameters,
  }));
