// `--model openai:<served model name>`: a model served by vLLM, SGLang, TGI, LMDeploy, llama.cpp's server or Ollama
// through the OpenAI-compatible API. See docs/serving.md.
import type { Backend, BackendFactory, BackendOptions } from '../../core/types.ts';
import { OPENAI_ARGS, resolveSettings, servedOptions } from './settings.ts';

export const openaiFactory: BackendFactory = {
  scheme: 'openai',
  description: 'a model served through the OpenAI-compatible API (vLLM, SGLang, TGI, LMDeploy, llama.cpp, Ollama); --model-arg base-url=..., api-key-env=...; `flamingo-eval check-server` checks one before a run',
  args: OPENAI_ARGS,
  async create(spec: string, options: BackendOptions): Promise<Backend> {
    const settings = resolveSettings(spec, servedOptions(options));
    // Loaded on use, as the ONNX backend is: other commands and backends need not pay for the client's modules.
    const { openBackend } = await import('./backend.ts');
    return openBackend(settings);
  },
};
