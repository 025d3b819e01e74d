// Answer normalisation of the official VQA evaluation: GT-Vision-Lab/VQA,
// PythonEvaluationTools/vqaEvaluation/vqaEval.py at its last revision (a013f00, "Fixed processing answers bug",
// 2021), the one the VQAv2 challenge and open_flamingo's vqa_metric.py use. Strings in, strings out; no scale.
//
// The script runs on Python; where Python and JavaScript differ we follow Python 3 semantics, because that is how
// the script is run today (open_flamingo, lmms-eval): `\d` is any Unicode decimal digit, and `split()` / `strip()`
// use Python's whitespace set (which is not JavaScript's `\s`).
//
// WHEN these steps run is the scorer's business (see vqa-accuracy.ts): the official script normalises the answers
// and the prediction only for questions whose human answers are not all identical.

/** Python's `str.isspace()` characters: what `str.split()` and `str.strip()` without arguments work on. */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS}]+`, 'u');
const PY_STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'gu');

/**
 * The first step the script applies to every prediction and every human answer: newlines and tabs become spaces,
 * then Python's `strip()`.
 */
export function cleanVqaWhitespace(text: string): string {
  return text.replaceAll('\n', ' ').replaceAll('\t', ' ').replace(PY_STRIP, '');
}

/**
 * The punctuation marks the script handles, in its order. The last revision dropped `'` and `:` from the list of
 * the first release (so "don't" keeps its apostrophe and "10:30" its colon) and added `{ } - !`.
 */
export const VQA_PUNCTUATION: readonly string[] = [
  ';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!',
];

// commaStrip: a comma between two digits anywhere in the text.
const DIGIT_COMMA_DIGIT = /\p{Nd},\p{Nd}/u;
// periodStrip is written `(?!<=\d)(\.)(?!\d)` in the script: `(?!<=\d)` is a typo for the look-behind `(?<!\d)`
// and is a negative look-AHEAD for the text "<=digit", which can never be true in front of a ".". The pattern
// therefore only says: a period not followed by a digit ("3.5" keeps its period, "5." and "a.m." lose theirs).
const PERIOD_NOT_BEFORE_DIGIT = /\.(?!\p{Nd})/gu;
// The script calls `periodStrip.sub("", text, re.UNICODE)`: the third positional argument of `Pattern.sub` is
// `count`, and re.UNICODE is 32, so at most the first 32 such periods are removed.
const PERIOD_STRIP_COUNT = 32;

/**
 * The script's `processPunctuation`. For each mark in turn: if the ORIGINAL text has the mark next to a space
 * ("x ," or ", x"), or has a digit-comma-digit anywhere (then for every mark), the mark is deleted; otherwise each
 * occurrence becomes a space ("black/white" -> "black white", but "black / white" -> "black  white", and with
 * "1,000" in the text "a/b" -> "ab"). Then periods not followed by a digit are deleted (at most 32 of them).
 */
export function processPunctuation(text: string): string {
  const digitComma = DIGIT_COMMA_DIGIT.test(text);
  let out = text;
  for (const mark of VQA_PUNCTUATION) {
    if (!out.includes(mark)) continue; // replacing an absent mark is a no-op either way
    const deleted = digitComma || text.includes(mark + ' ') || text.includes(' ' + mark);
    out = out.replaceAll(mark, deleted ? '' : ' ');
  }
  if (!out.includes('.')) return out;
  let removed = 0;
  return out.replace(PERIOD_NOT_BEFORE_DIGIT, (period) => (removed++ < PERIOD_STRIP_COUNT ? '' : period));
}

/** The script's `manualMap`: number words zero to ten as digits; "none" also becomes "0". */
export const VQA_NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['none', '0'], ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'],
  ['five', '5'], ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'],
]);

/** The script's `articles`, dropped as whole words. */
export const VQA_ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

/**
 * The script's `contractions` map (last revision, with ASCII apostrophes), applied to whole words after
 * lower-casing. Kept exactly, quirks included: the keys "Id've", "I'dve", "Im", "Ive" have capitals and so can never
 * match a lower-cased word; "somebody'd" maps to "somebodyd" (the wrong way round); "let's", "she's" map to
 * themselves; the "'ow's'at" forms have leading apostrophes.
 */
export const VQA_CONTRACTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    aint: "ain't", arent: "aren't", cant: "can't", couldve: "could've", couldnt: "couldn't",
    "couldn'tve": "couldn't've", "couldnt've": "couldn't've", didnt: "didn't", doesnt: "doesn't", dont: "don't",
    hadnt: "hadn't", "hadnt've": "hadn't've", "hadn'tve": "hadn't've", hasnt: "hasn't", havent: "haven't",
    hed: "he'd", "hed've": "he'd've", "he'dve": "he'd've", hes: "he's", howd: "how'd", howll: "how'll",
    hows: "how's", "Id've": "I'd've", "I'dve": "I'd've", Im: "I'm", Ive: "I've", isnt: "isn't", itd: "it'd",
    "itd've": "it'd've", "it'dve": "it'd've", itll: "it'll", "let's": "let's", maam: "ma'am", mightnt: "mightn't",
    "mightnt've": "mightn't've", "mightn'tve": "mightn't've", mightve: "might've", mustnt: "mustn't",
    mustve: "must've", neednt: "needn't", notve: "not've", oclock: "o'clock", oughtnt: "oughtn't",
    "ow's'at": "'ow's'at", "'ows'at": "'ow's'at", "'ow'sat": "'ow's'at", shant: "shan't", "shed've": "she'd've",
    "she'dve": "she'd've", "she's": "she's", shouldve: "should've", shouldnt: "shouldn't",
    "shouldnt've": "shouldn't've", "shouldn'tve": "shouldn't've", "somebody'd": 'somebodyd',
    "somebodyd've": "somebody'd've", "somebody'dve": "somebody'd've", somebodyll: "somebody'll",
    somebodys: "somebody's", someoned: "someone'd", "someoned've": "someone'd've", "someone'dve": "someone'd've",
    someonell: "someone'll", someones: "someone's", somethingd: "something'd", "somethingd've": "something'd've",
    "something'dve": "something'd've", somethingll: "something'll", thats: "that's", thered: "there'd",
    "thered've": "there'd've", "there'dve": "there'd've", therere: "there're", theres: "there's", theyd: "they'd",
    "theyd've": "they'd've", "they'dve": "they'd've", theyll: "they'll", theyre: "they're", theyve: "they've",
    twas: "'twas", wasnt: "wasn't", "wed've": "we'd've", "we'dve": "we'd've", weve: "we've", werent: "weren't",
    whatll: "what'll", whatre: "what're", whats: "what's", whatve: "what've", whens: "when's", whered: "where'd",
    wheres: "where's", whereve: "where've", whod: "who'd", "whod've": "who'd've", "who'dve": "who'd've",
    wholl: "who'll", whos: "who's", whove: "who've", whyll: "why'll", whyre: "why're", whys: "why's",
    wont: "won't", wouldve: "would've", wouldnt: "wouldn't", "wouldnt've": "wouldn't've",
    "wouldn'tve": "wouldn't've", yall: "y'all", "yall'll": "y'all'll", "y'allll": "y'all'll",
    "yall'd've": "y'all'd've", "y'alld've": "y'all'd've", "y'all'dve": "y'all'd've", youd: "you'd",
    "youd've": "you'd've", "you'dve": "you'd've", youll: "you'll", youre: "you're", youve: "you've",
  }),
);

/**
 * The script's `processDigitArticle`: lower-case, split on whitespace runs, map number words to digits, drop the
 * articles, then expand contractions ("dont" -> "don't"), and join with single spaces. Number words are mapped
 * BEFORE articles are dropped and contractions are looked up on the result, in the script's order.
 */
export function processDigitArticle(text: string): string {
  const words: string[] = [];
  for (const token of text.toLowerCase().split(PY_WS_RUN)) {
    if (token === '') continue; // Python's split() yields no empty words (leading/trailing whitespace)
    const word = VQA_NUMBER_WORDS.get(token) ?? token;
    if (VQA_ARTICLES.has(word)) continue;
    words.push(VQA_CONTRACTIONS.get(word) ?? word);
  }
  return words.join(' ');
}

/**
 * The full normalisation the official script gives a prediction (when it normalises at all): whitespace cleaning,
 * punctuation, then digits/articles/contractions. "Two dogs." -> "2 dogs"; "The dont" -> "don't".
 */
export function normalizeVqaAnswer(text: string): string {
  return processDigitArticle(processPunctuation(cleanVqaWhitespace(text)));
}
