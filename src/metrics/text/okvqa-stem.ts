// The answer stemming open_flamingo applies to OK-VQA predictions before VQA accuracy (open_flamingo/eval/
// ok_vqa_utils.py, `OKVQAStemmer`, "to match OKVQA v1.1 procedure": the v1.1 annotations' `answers` are stemmed the
// same way from `raw_answers`). Text in, text out; no scale.
//
// The procedure: tokenize with NLTK's word_tokenize, tag with NLTK's pos_tag, then for each token
//   1. if it is in a hand-made table of 168 words (below), use the table's form ("clothes" -> "cloth",
//      "police" -> "police", "sometimes" -> "sometime");
//   2. else if it ends in "ing", use WordNet's verb lemma (WordNetLemmatizer, pos=verb: "riding" is in the table,
//      "running" -> "run", "king" stays);
//   3. else if it is tagged a plural noun (NNS, NNPS), singularize it with the Python package inflection
//      ("dogs" -> "dog", "people" -> "person", "knives" -> "knife");
// and join the tokens with single spaces ("hell's" is tokenized "hell 's", so the table's "hell's" entry never fires).
//
// What is exact and what is not:
// - The table, the -ing rule and singularize are exact (WordNet 3.0 via src/metrics/text/wordnet.ts, NLTK's morphy;
//   inflection 0.5.1 via src/metrics/text/inflection-singularize.ts). Tokenization is NLTK 3.3's Treebank word step
//   (src/metrics/text/treebank-tokenize.ts), without its Punkt sentence split.
// - The part-of-speech tag is APPROXIMATED. NLTK's averaged-perceptron tagger is a trained model (weights from NLTK's
//   data downloads, which we neither ship nor fetch), so step 3 uses a stand-in for "tagged NNS/NNPS": a token is a
//   plural noun when it is "people", or when it is not a function word (`NOT_PLURAL_NOUNS`), does not follow a
//   subject pronoun (where the tagger reads a verb: "he runs"), and either WordNet derives it from a different noun
//   base form of 3+ letters ("dogs" <- "dog", "children" <- "child", "glasses" <- "glass"), or WordNet does not
//   know it at all and it ends in "s" but not "ss", "us" or "is" (the tagger's suffix evidence for unknown words).
//   Tokens with digits or without letters are never plural nouns here. Where the real tagger uses context or its
//   lexicon differently, results differ: e.g. "physics" (the tagger reads NN; WordNet has the noun "physic", so we
//   singularize it), "1990s" (we leave it; the tagger may read NNS and singularize would give "1990").
import { treebankTokenize } from './treebank-tokenize.ts';
import { wordnet } from './wordnet.ts';
import { singularize } from './inflection-singularize.ts';

/** open_flamingo's `_MANUAL_MATCHES`: forms the OK-VQA v1.1 annotations use that the rules would get wrong. */
export const OKVQA_MANUAL_MATCHES: ReadonlyMap<string, string> = new Map([
  ["police", "police"], ["las", "las"], ["vegas", "vegas"], ["yes", "yes"], ["jeans", "jean"], ["hell's", "hell"],
  ["domino's", "domino"], ["morning", "morn"], ["clothes", "cloth"], ["are", "are"], ["riding", "ride"],
  ["leaves", "leaf"], ["dangerous", "danger"], ["clothing", "cloth"], ["texting", "text"], ["kiting", "kite"],
  ["firefighters", "firefight"], ["ties", "tie"], ["married", "married"], ["teething", "teeth"], ["gloves", "glove"],
  ["tennis", "tennis"], ["dining", "dine"], ["directions", "direct"], ["waves", "wave"], ["christmas", "christmas"],
  ["drives", "drive"], ["pudding", "pud"], ["coding", "code"], ["plating", "plate"], ["quantas", "quanta"],
  ["hornes", "horn"], ["graves", "grave"], ["mating", "mate"], ["paned", "pane"], ["alertness", "alert"],
  ["sunbathing", "sunbath"], ["tenning", "ten"], ["wetness", "wet"], ["urinating", "urine"], ["sickness", "sick"],
  ["braves", "brave"], ["firefighting", "firefight"], ["lenses", "lens"], ["reflections", "reflect"],
  ["backpackers", "backpack"], ["eatting", "eat"], ["designers", "design"], ["curiousity", "curious"],
  ["playfulness", "play"], ["blindness", "blind"], ["hawke", "hawk"], ["tomatoe", "tomato"], ["rodeoing", "rodeo"],
  ["brightness", "bright"], ["circuses", "circus"], ["skateboarders", "skateboard"], ["staring", "stare"],
  ["electronics", "electron"], ["electicity", "elect"], ["mountainous", "mountain"], ["socializing", "social"],
  ["hamburgers", "hamburg"], ["caves", "cave"], ["transitions", "transit"], ["wading", "wade"], ["creame", "cream"],
  ["toileting", "toilet"], ["sautee", "saute"], ["buildings", "build"], ["belongings", "belong"],
  ["stockings", "stock"], ["walle", "wall"], ["cumulis", "cumuli"], ["travelers", "travel"],
  ["conducter", "conduct"], ["browsing", "brows"], ["pooping", "poop"], ["haircutting", "haircut"],
  ["toppings", "top"], ["hearding", "heard"], ["sunblocker", "sunblock"], ["bases", "base"], ["markings", "mark"],
  ["mopeds", "mope"], ["kindergartener", "kindergarten"], ["pies", "pie"], ["scrapbooking", "scrapbook"],
  ["couponing", "coupon"], ["meetings", "meet"], ["elevators", "elev"], ["lowes", "low"], ["men's", "men"],
  ["childrens", "children"], ["shelves", "shelve"], ["paintings", "paint"], ["raines", "rain"], ["paring", "pare"],
  ["expressions", "express"], ["routes", "rout"], ["pease", "peas"], ["vastness", "vast"], ["awning", "awn"],
  ["boy's", "boy"], ["drunkenness", "drunken"], ["teasing", "teas"], ["conferences", "confer"], ["ripeness", "ripe"],
  ["suspenders", "suspend"], ["earnings", "earn"], ["reporters", "report"], ["kid's", "kid"],
  ["containers", "contain"], ["corgie", "corgi"], ["porche", "porch"], ["microwaves", "microwave"],
  ["batter's", "batter"], ["sadness", "sad"], ["apartments", "apart"], ["oxygenize", "oxygen"],
  ["striping", "stripe"], ["purring", "pure"], ["professionals", "profession"], ["piping", "pipe"],
  ["farmer's", "farmer"], ["potatoe", "potato"], ["emirates", "emir"], ["womens", "women"], ["veteran's", "veteran"],
  ["wilderness", "wilder"], ["propellers", "propel"], ["alpes", "alp"], ["charioteering", "chariot"],
  ["swining", "swine"], ["illness", "ill"], ["crepte", "crept"], ["adhesives", "adhesive"], ["regent's", "regent"],
  ["decorations", "decor"], ["rabbies", "rabbi"], ["overseas", "oversea"], ["travellers", "travel"],
  ["casings", "case"], ["smugness", "smug"], ["doves", "dove"], ["nationals", "nation"], ["mustange", "mustang"],
  ["ringe", "ring"], ["gondoliere", "gondolier"], ["vacationing", "vacate"], ["reminders", "remind"],
  ["baldness", "bald"], ["settings", "set"], ["glaced", "glace"], ["coniferous", "conifer"],
  ["revelations", "revel"], ["personals", "person"], ["daughter's", "daughter"], ["badness", "bad"],
  ["projections", "project"], ["polarizing", "polar"], ["vandalizers", "vandal"], ["minerals", "miner"],
  ["protesters", "protest"], ["controllers", "control"], ["weddings", "wed"], ["sometimes", "sometime"],
  ["earing", "ear"],
]);

// Words ending in "s" (or plural-looking forms WordNet lists) that the tagger reads as something other than a plural
// noun: verbs, pronouns, determiners, adverbs, conjunctions, prepositions.
const NOT_PLURAL_NOUNS: ReadonlySet<string> = new Set([
  'is', 'was', 'has', 'does', 'goes', 'says', 'his', 'hers', 'its', 'ours', 'yours', 'theirs', 'this', 'these',
  'those', 'us', 'as', 'thus', 'yes', 'always', 'perhaps', 'besides', 'towards', 'afterwards', 'upwards',
  'downwards', 'backwards', 'forwards', 'outdoors', 'indoors', 'nowadays', 'sometimes', 'less', 'unless', 'across',
  'whereas', 'plus', 'minus', 'various', 'numerous', 'famous', 'ones', 'others',
]);

// Plural nouns that WordNet lists as base forms of their own, which the tagger reads as NNS all the same.
const PLURAL_NOUNS: ReadonlySet<string> = new Set(['people']);

// After these the tagger reads a following -s word as a verb (VBZ): "he runs", "it flies".
const SUBJECT_PRONOUNS: ReadonlySet<string> = new Set(['he', 'she', 'it', 'who', 'that', 'which', 'this']);

/** The OK-VQA stemming of one answer ("two dogs running" -> "two dog run"). */
export function okvqaStem(answer: string): string {
  const tokens = treebankTokenize(answer);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const manual = OKVQA_MANUAL_MATCHES.get(token);
    if (manual !== undefined) out.push(manual);
    else if (token.endsWith('ing')) out.push(wordnet().lemmatize(token, 'v'));
    else if (looksLikePluralNoun(token, tokens[i - 1])) out.push(singularize(token));
    else out.push(token);
  }
  return out.join(' ');
}

/** The stand-in for the tagger's NNS/NNPS decision (see the header). */
export function looksLikePluralNoun(token: string, previous?: string): boolean {
  if (!/^\p{L}[\p{L}'-]*$/u.test(token)) return false;
  const word = token.toLowerCase();
  if (PLURAL_NOUNS.has(word)) return true;
  if (NOT_PLURAL_NOUNS.has(word)) return false;
  if (previous !== undefined && SUBJECT_PRONOUNS.has(previous.toLowerCase())) return false;
  const wn = wordnet();
  const nounBases = wn.morphyAll(word, 'n');
  // A base of one or two letters is an abbreviation WordNet lists ("gas" <- "Ga", gallium; "has" <- "Ha"), not
  // the singular of the word.
  if (nounBases.some((base) => base !== word && base.length > 2)) return true;
  if (nounBases.length > 0) return false;
  const known = (['v', 'a', 'r'] as const).some((pos) => wn.morphyAll(word, pos).length > 0);
  return !known && word.length > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word);
}
