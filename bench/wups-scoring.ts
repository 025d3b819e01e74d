// Speed of NExT-QA WUPS (both thresholds, per type) on a NExT-QA-test-sized set, generated with a seed.
//
//   node --import tsx bench/wups-scoring.ts [--questions N]
//
// Answers are 1-4 words: English words drawn Zipf-like from a vocabulary of 3,000 WordNet lemmas (some inflected:
// plurals, -ing, -ed), with articles, pronouns and prepositions around them, as NExT-QA answers read ("push toy train",
// "playing with the ribbons"). Question types follow NExT-QA's mix; 10% of questions have an additional reference.
// Predictions copy the answer 25% of the time, share a word with it 35%, and are unrelated otherwise.
// Printed: WordNet load time (first lookup: index and exception files), scoring time cold (empty caches) and warm
// (a second, differently seeded set on the same caches), as wall and CPU time, items per CPU second, and peak RSS.
//
// Measured 2026-11-27 on a 2-core x86-64 machine (AMD EPYC, Node 20): cold 1.4 s CPU
// (~6,200 items/s), warm 0.5 s CPU, load 20-40 ms, peak RSS 157 MB (a bare tsx process: 74 MB). For comparison, the
// official scoring loop (NLTK 3.3 get_wups via eval_oe.py's logic) took 56 s CPU on the same 9,000 normalised questions,
// without its remove_stop step (NLTK's perceptron tagger), and agreed with ours on every question.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { AnswerItem } from '../src/metrics/types.ts';
import { defaultDictDir, wordnet } from '../src/metrics/text/wordnet.ts';
import { wups } from '../src/metrics/wups.ts';
import { randomInt, rngFor, sample, type Rng } from '../src/core/random.ts';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const QUESTIONS = Number(flag('--questions') ?? 9_000);
const VOCABULARY = 3_000;
const FUNCTION_WORDS = ['the', 'a', 'his', 'her', 'with', 'to', 'on', 'in', 'at', 'it', 'them', 'is', 'was', 'and'];
// Roughly NExT-QA's question-type mix (causal, temporal, descriptive).
const TYPES: Array<[string, number]> = [
  ['CW', 0.36], ['CH', 0.12], ['TN', 0.1], ['TP', 0.04], ['TC', 0.14], ['DL', 0.06], ['DB', 0.05], ['DC', 0.05], ['DO', 0.08],
];

function makeVocabulary(rng: Rng): string[] {
  const { dict } = defaultDictDir();
  const lemmas: string[] = [];
  for (const file of ['noun', 'verb', 'adj']) {
    for (const line of readFileSync(`${dict}/index.${file}`, 'latin1').split('\n')) {
      const lemma = line.slice(0, line.indexOf(' '));
      if (/^[a-z]{3,10}$/.test(lemma)) lemmas.push(lemma);
    }
  }
  return sample(lemmas, VOCABULARY, rng).map((word) => {
    const r = rng();
    if (r < 0.15) return `${word}s`;
    if (r < 0.25) return `${word}ing`;
    if (r < 0.3) return `${word}ed`;
    return word;
  });
}

function zipf(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(rng() * Math.log(n)) - 1));
}

function makeAnswer(rng: Rng, vocabulary: string[]): string {
  const words: string[] = [];
  const length = 1 + randomInt(rng, 4);
  for (let i = 0; i < length; i++) {
    if (i > 0 && rng() < 0.3) words.push(FUNCTION_WORDS[randomInt(rng, FUNCTION_WORDS.length)]!);
    words.push(vocabulary[zipf(rng, vocabulary.length)]!);
  }
  return words.join(' ');
}

function pickType(rng: Rng): string {
  let r = rng();
  for (const [type, share] of TYPES) {
    if (r < share) return type;
    r -= share;
  }
  return 'DO';
}

function makeItems(seed: string, vocabulary: string[]): AnswerItem[] {
  const rng = rngFor('bench', 'wups-scoring', seed);
  return Array.from({ length: QUESTIONS }, (_, q) => {
    const type = pickType(rng);
    const answer = type === 'DB' ? (rng() < 0.5 ? 'yes' : 'no') : type === 'DC' ? String(1 + randomInt(rng, 6)) : makeAnswer(rng, vocabulary);
    const answers = rng() < 0.1 ? [answer, makeAnswer(rng, vocabulary)] : [answer];
    const r = rng();
    const prediction =
      r < 0.25 ? answer : r < 0.6 ? `${answer.split(' ')[0]} ${makeAnswer(rng, vocabulary)}` : makeAnswer(rng, vocabulary);
    return { id: `v${q >> 3}_q${q & 7}`, prediction, answers, type };
  });
}

const vocabulary = makeVocabulary(rngFor('bench', 'wups-scoring', 'vocabulary'));
const first = makeItems('set-1', vocabulary);
const second = makeItems('set-2', vocabulary);

// Wall time and this process's CPU time (user + system): the CPU time varies less from run to run.
function timed<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const wn = wordnet();
const load = timed(() => wn.synsets('dog'));
const cold = timed(() => wups(first, wn));
const warm = timed(() => wups(second, wn));
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const line = (label: string, r: { wallMs: number; cpuMs: number }, extra = ''): string =>
  `  ${label.padEnd(28)} wall ${r.wallMs.toFixed(0).padStart(5)} ms  cpu ${r.cpuMs.toFixed(0).padStart(5)} ms${extra}`;
const rate = (r: { cpuMs: number }): string => `  ${Math.round((QUESTIONS / r.cpuMs) * 1000).toLocaleString('en-US')} items/s (cpu)`;
console.log(`WUPS on ${QUESTIONS.toLocaleString('en-US')} NExT-QA-style questions (seeded), WordNet 3.0`);
console.log(line('WordNet load (first lookup)', load));
console.log(line('score, cold caches', cold, `${rate(cold)}  WUPS@0 ${cold.value.scores['wups_0']}`));
console.log(line('score, warm caches', warm, `${rate(warm)}  WUPS@0 ${warm.value.scores['wups_0']}`));
console.log(`  peak RSS                     ${peakRssMb.toFixed(0)} MB`);
