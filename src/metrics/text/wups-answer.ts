// NExT-QA's answer normalisation before WUPS: `remove_stop` in doc-doc/NExT-OE eval_oe.py. It lemmatizes the answer
// with pywsd 1.2.4's `lemmatize_sentence` and drops the words of NExT-QA's stopword list, joining the rest with spaces.
//
// pywsd's lemmatize_sentence (pywsd/utils.py): Treebank-tokenize; POS-tag with NLTK's `pos_tag`; per token, lowercase,
// map the Penn tag to WordNet's (NN* -> noun, JJ* -> adjective, VB* -> verb, RB* -> adverb; any other tag: tag the word
// alone again and default to noun); WordNetLemmatizer().lemmatize(word, pos); if WordNet has no synset for that lemma,
// use the Porter stem if WordNet has synsets for it, else the lowercased word.
//
// One step is approximated: `pos_tag` is NLTK's averaged perceptron tagger, a trained model that no npm package ships,
// so `guessPos` below chooses the part of speech by rules. The part of speech only matters for inflected forms
// (-s, -es, -ies, -ed, -ing, -er, -est, and irregular forms in the exception lists), where it can change the lemma
// (e.g. "leaves" -> leaf as a noun, leave as a verb). Uninflected words lemmatize the same whatever the tag.
// pywsd checks lemmas with the `wn` package (0.0.23, WordNet 3.0, written to match NLTK's synsets); we use our reader.
//
// How close the rules come, measured on the HGA predictions NExT-OE releases (results/HGA-same-att-qns23ans7-val.json,
// 5,343 val questions, scored with wups() in metrics/wups.ts): WUPS_C / WUPS_T / WUPS_D / WUPS = 14.80 / 14.88 /
// 46.50 / 21.47, against 14.76 / 14.90 / 46.60 / 21.48 in NExT-OE's README; tagging every word as a noun instead gives
// 13.83 / 15.14 / 46.56 / 21.08. Reading "living" in "living room" as a noun (WordNet lists living_room) moved the
// result away from the README's (14.78 / 14.93 / 46.44 / 21.46), so that rule is not used.
import { porterStem } from './porter.ts';
import { treebankTokenize } from './treebank-tokenize.ts';
import { wordnet, type Pos, type WordNet } from './wordnet.ts';

/**
 * NExT-QA's stopword list (eval_oe.py loads stopwords.txt, shipped in the dataset's annotation archive; this is the copy
 * lmms-eval carries in lmms_eval/tasks/nextqa/stopwords.csv). It is NLTK's English list without the words that carry
 * meaning in NExT-QA answers: negations (no, nor, not), temporal and spatial words (before, after, above, below, up,
 * down, in, out, on, off, over, under, between, against, once), and both, few, more, same.
 */
export const NEXTQA_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves he him his " +
    "himself she she's her hers herself it it's its itself they them their theirs themselves what which who whom this " +
    "that that'll these those am is are was were be been being have has had having do does did doing a an the and but " +
    'if or because as until while to from of at for with about into through during again further then here there when ' +
    'where why how all any each most other some such only own so than too very s t can will just don ' +
    "don't should should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't " +
    "hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn shouldn't " +
    "wasn wasn't weren weren't won won't wouldn wouldn't"
  ).split(' '),
);

// Forms of be/have/do: tagged VB* by any tagger, so lemmatized as verbs (is -> be, has -> have, does -> do).
const AUXILIARIES = new Set(
  'am is are was were be been being have has had having do does did doing'.split(' '),
);

// Words a Penn tagger gives a closed-class tag (DT, PRP, PRP$, IN, CC, MD, WDT, WP, WRB, TO, EX, CD, PDT, RP, UH).
// pywsd then tags the word alone, which gives the same kind of tag, and falls back to noun: so "his" -> "hi" (a noun
// in WordNet), "as" -> "a", "its" -> "it".
const CLOSED_CLASS = new Set(
  (
    'i me my myself we us our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom whose this that these those a an the ' +
    'and but if or nor because as until while to from of at by for with about against between into through during ' +
    'before after above below up down in out on off over under onto upon toward towards among within without behind ' +
    'beside besides across around near along past via than can could will would shall should may might must there ' +
    'when where why how all any each both either neither every some such no zero one two three four five six seven ' +
    'eight nine ten oh yes'
  ).split(' '),
);

const DETERMINERS = new Set('a an the this that these those his her its their my your our some any every no each another'.split(' '));
const SUBJECT_PRONOUNS = new Set('he she it who that which'.split(' '));
const OBJECT_PRONOUNS = new Set('me us him her it them'.split(' '));
const LINKING = new Set('is are was were be been being feel feels felt look looks looked seem seems seemed very so too more most quite'.split(' '));

function hasReading(wn: WordNet, word: string, pos: Pos): boolean {
  return wn.morphyAll(word, pos).length > 0;
}

function inIndex(wn: WordNet, word: string, pos: Pos): boolean {
  return wn.indexOffsets(word, pos).length > 0;
}

/**
 * The part of speech a Penn tagger would most likely give `words[i]` (lowercased tokens), as WordNet's n/v/a/r.
 * Rules, first match wins: be/have/do forms are verbs; closed-class words fall back to noun as pywsd does; after a
 * determiner a comparative/superlative adjective is an adjective and anything else a noun; a word with a verb reading
 * after a subject pronoun, or before a determiner or object pronoun, is a verb; irregular verb forms (verb.exc) are
 * verbs, irregular plurals (noun.exc) nouns, irregular comparatives (adj.exc) adjectives; -ing forms are verbs; -ed
 * forms (not themselves verb lemmas like "feed") are adjectives where WordNet has the adjective and the word stands alone or follows a linking word, else verbs;
 * -s forms without a noun reading but with a verb one are verbs, else nouns; -er/-est forms are
 * nouns when WordNet lists the form as a noun, else adjectives when it has an adjective reading; any other word takes
 * the first part of speech (noun, verb, adjective, adverb) under which morphy finds it, else noun.
 */
export function guessPos(words: readonly string[], i: number, wn: WordNet = wordnet()): Pos {
  const word = words[i]!;
  const previous = i > 0 ? words[i - 1]! : undefined;
  const next = words[i + 1];
  if (AUXILIARIES.has(word)) return 'v';
  if (CLOSED_CLASS.has(word)) return 'n';
  const comparative = /(?:er|est)$/.test(word);
  if (previous !== undefined && DETERMINERS.has(previous)) {
    return comparative && !inIndex(wn, word, 'n') && hasReading(wn, word, 'a') ? 'a' : 'n';
  }
  const verbSlot =
    (previous !== undefined && SUBJECT_PRONOUNS.has(previous)) ||
    (next !== undefined && (DETERMINERS.has(next) || OBJECT_PRONOUNS.has(next)));
  if (verbSlot && hasReading(wn, word, 'v')) return 'v';
  if (wn.exceptions('v').has(word) && !wn.exceptions('n').has(word)) return 'v';
  if (wn.exceptions('n').has(word)) return 'n';
  if (wn.exceptions('a').has(word)) return 'a';
  if (word.length > 4 && word.endsWith('ing') && hasReading(wn, word, 'v')) return 'v';
  // A base form that merely ends in -ed ("feed", "need") is not a past form; taggers tag it VB/NN.
  if (word.length > 3 && word.endsWith('ed') && hasReading(wn, word, 'v') && !inIndex(wn, word, 'v')) {
    const adjectival = words.length === 1 || (previous !== undefined && LINKING.has(previous));
    return adjectival && inIndex(wn, word, 'a') ? 'a' : 'v';
  }
  if (word.length > 2 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) {
    return !hasReading(wn, word, 'n') && hasReading(wn, word, 'v') ? 'v' : 'n';
  }
  if (comparative && word.length > 4) {
    if (inIndex(wn, word, 'n')) return 'n';
    if (hasReading(wn, word, 'a')) return 'a';
  }
  for (const pos of ['n', 'v', 'a', 'r'] as const) if (hasReading(wn, word, pos)) return pos;
  return 'n';
}

/** pywsd 1.2.4 `lemmatize(word, pos)`: the WordNet lemma if WordNet knows it, else the Porter stem if known, else the word. */
export function pywsdLemma(word: string, pos: Pos, wn: WordNet = wordnet()): string {
  const lemma = wn.lemmatize(word, pos);
  if (wn.synsets(lemma).length > 0) return lemma;
  const stem = porterStem(word);
  return wn.synsets(stem).length > 0 ? stem : word;
}

/** NExT-QA `remove_stop(answer)`: lemmatized tokens without NExT-QA's stopwords, joined by single spaces. */
export function normalizeAnswer(answer: string, wn: WordNet = wordnet()): string {
  const words = treebankTokenize(answer).map((token) => token.toLowerCase());
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const lemma = pywsdLemma(words[i]!, guessPos(words, i, wn), wn);
    if (!NEXTQA_STOPWORDS.has(lemma)) kept.push(lemma);
  }
  return kept.join(' ');
}
