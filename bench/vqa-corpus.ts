// A seeded VQAv2-val-sized set of VQA items (214,354 questions x 10 human answers), used by bench/vqa-scoring.ts and
// bench/score-vs-official.ts. The answer distribution imitates VQAv2 val: 38% yes/no, 12% number, 50% other
// questions; "other" answers come from a Zipf-distributed vocabulary of a few thousand answers; annotators agree often
// but not always, and some write the answer with capitals, a final period, an article or a number word. Predictions
// are right about 60% of the time.
import type { AnswerItem } from '../src/metrics/types.ts';
import { randomInt, rngFor, type Rng } from '../src/core/random.ts';

const VOCABULARY = 3_000;
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const SYLLABLES = ['ba', 'ko', 'ri', 'tem', 'lo', 'sun', 'gra', 'pe', 'ind', 'wal', 'mo', 'ter', 'shi', 'ra'];

function makeWord(rng: Rng): string {
  const parts = 1 + randomInt(rng, 3);
  let word = '';
  for (let i = 0; i < parts; i++) word += SYLLABLES[randomInt(rng, SYLLABLES.length)];
  return word;
}

// Other-type answers: 1-3 words, a few multi-word or with punctuation.
function makeVocabulary(rng: Rng): string[] {
  return Array.from({ length: VOCABULARY }, () => {
    const r = rng();
    if (r < 0.7) return makeWord(rng);
    if (r < 0.95) return `${makeWord(rng)} ${makeWord(rng)}`;
    return `${makeWord(rng)}/${makeWord(rng)}`;
  });
}

function zipf(rng: Rng, n: number): number {
  // Inverse of a continuous 1/x law over [1, n]: index i with probability ~ 1/(i+1).
  return Math.min(n - 1, Math.floor(Math.exp(rng() * Math.log(n)) - 1));
}

// How one annotator writes an answer.
function variant(rng: Rng, answer: string): string {
  const r = rng();
  if (r < 0.85) return answer;
  if (r < 0.9) return answer[0]!.toUpperCase() + answer.slice(1);
  if (r < 0.95) return `${answer}.`;
  return `the ${answer}`;
}

/** `questions` seeded VQA items (VQAv2 val: 214,354), each with ten human answers, a prediction and an answer type. */
export function vqaCorpus(questions = 214_354): AnswerItem[] {
  const QUESTIONS = questions;
  const rng = rngFor('bench', 'vqa-scoring');
  const vocabulary = makeVocabulary(rng);
  const items: AnswerItem[] = new Array(QUESTIONS);
  for (let q = 0; q < QUESTIONS; q++) {
    const r = rng();
    const type = r < 0.38 ? 'yes/no' : r < 0.5 ? 'number' : 'other';
    const candidates =
      type === 'yes/no'
        ? ['yes', 'no']
        : type === 'number'
          ? Array.from({ length: 3 }, () => {
              const n = randomInt(rng, 11);
              return rng() < 0.2 ? NUMBER_WORDS[n]! : String(n);
            })
          : Array.from({ length: 4 }, () => vocabulary[zipf(rng, VOCABULARY)]!);
    const consensus = rng(); // how strongly annotators agree on the first candidate
    const answers = Array.from({ length: 10 }, () =>
      variant(rng, rng() < consensus ? candidates[0]! : candidates[randomInt(rng, candidates.length)]!),
    );
    const prediction = rng() < 0.6 ? candidates[0]! : candidates[randomInt(rng, candidates.length)]!;
    items[q] = { id: String(q), prediction, answers, type };
  }
  return items;
}

