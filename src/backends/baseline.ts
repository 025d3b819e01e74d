// `baseline:majority`: an honest non-neural reference backend, the default until the built-in models land.
// It reads only the prompt's text. generate() answers with the most frequent demonstration target in the prompt (the
// "majority answer among the shots" baseline used as a floor in few-shot papers; it has nothing to say at 0 shots),
// rank() scores each candidate by how often it appears in the prompt, as the log-probability of an add-one smoothed
// frequency distribution over the candidates.
import { UsageError } from '../core/errors.ts';
import type {
  Backend,
  BackendFactory,
  GenerateRequest,
  GenerateResult,
  ModelInfo,
  Prompt,
  RankRequest,
  RankResult,
} from '../core/types.ts';

/** The prompt split into chunks at each end of chunk: the demonstrations' texts, then the query's text last. */
function textChunks(prompt: Prompt): string[] {
  const chunks: string[] = [''];
  for (const part of prompt) {
    if (part.type === 'text') chunks[chunks.length - 1] += part.text;
    else if (part.type === 'end_of_chunk') chunks.push('');
  }
  return chunks;
}

/**
 * The demonstrations' targets: the query text ends with the cue the model continues from (`Output:`, `Answer:`);
 * in each demonstration, the target is what follows the last occurrence of that cue.
 */
export function demonstrationTargets(prompt: Prompt): string[] {
  const chunks = textChunks(prompt);
  const query = chunks.pop()!.trimEnd();
  const cue = query.split(/\s+/).pop() ?? '';
  if (cue === '') return [];
  const targets: string[] = [];
  for (const chunk of chunks) {
    const at = chunk.lastIndexOf(cue);
    if (at < 0) continue;
    const target = chunk.slice(at + cue.length).trim();
    if (target !== '') targets.push(target);
  }
  return targets;
}

/** The most frequent target; ties go to the one shown last (nearest the query). Empty when there is none. */
export function majorityTarget(targets: string[]): string {
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (const target of targets) {
    const count = (counts.get(target) ?? 0) + 1;
    counts.set(target, count);
    if (count >= bestCount) {
      best = target;
      bestCount = count;
    }
  }
  return best;
}

function occurrences(haystack: string, needle: string): number {
  if (needle === '') return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

export class MajorityBaseline implements Backend {
  info(): ModelInfo {
    return { name: 'baseline-majority', family: 'baseline', parameters: 0, contextLength: Number.MAX_SAFE_INTEGER };
  }

  async generate(requests: GenerateRequest[]): Promise<GenerateResult[]> {
    return requests.map((request) => ({ text: majorityTarget(demonstrationTargets(request.prompt)) }));
  }

  async rank(requests: RankRequest[]): Promise<RankResult[]> {
    return requests.map((request) => {
      const text = textChunks(request.prompt).join('\n').toLowerCase();
      const counts = request.candidates.map((candidate) => occurrences(text, candidate.trim().toLowerCase()));
      const total = counts.reduce((a, b) => a + b, 0) + counts.length;
      return { logLikelihoods: counts.map((count) => Math.log((count + 1) / total)) };
    });
  }

  async close(): Promise<void> {}
}

export const baselineFactory: BackendFactory = {
  scheme: 'baseline',
  description: 'non-neural reference: majority demonstration answer (generate), candidate frequency in the prompt (rank)',
  async create(spec: string): Promise<Backend> {
    if (spec !== 'majority' && spec !== '') {
      throw new UsageError(`--model baseline:${spec}: unknown baseline; the baseline backend offers baseline:majority`);
    }
    return new MajorityBaseline();
  },
};
