// Penn Treebank word tokenization as the word step of NLTK 3.3's `word_tokenize` performs it: TreebankWordTokenizer with
// the "improved" rules nltk/tokenize/__init__.py adds (curly and angle quotes « “ ‘ „ » ” ’ padded, a final period may be
// followed by them). pywsd 1.2.4 ships a copy with the same rules, so both tokenization steps of the NExT-QA scorer
// behave alike.
// Rules, in order: opening double quotes become ``; commas and colons not followed by a digit, ellipses, ; @ # $ % &,
// a sentence-final period (before any closing brackets/quotes), ? and !, and a single quote followed by a space are
// split off; brackets are padded; -- is split off; closing double quotes become ''; the clitics 's 'm 'd ' 'll 're 've
// n't are split from the word before them; "cannot", "gimme", "gonna", "gotta", "lemme", "mor'n", "wanna ", "d'ye",
// "'tis", "'twas" are split in two.
//
// Not reproduced: `word_tokenize` first splits text into sentences with the Punkt model (trained data that no npm
// package ships); a period inside the text then stays attached to its word. NExT-QA answers are short phrases, mostly
// without periods, so this rarely matters.

type Rewrite = readonly [RegExp, string];

const OPENING_QUOTES: readonly Rewrite[] = [
  [/^"/g, '``'],
  [/(``)/g, ' $1 '],
  [/([ ([{<])("|'{2})/g, '$1 `` '],
];

const PUNCTUATION: readonly Rewrite[] = [
  [/([:,])([^\d])/g, ' $1 $2'],
  [/([:,])$/g, ' $1 '],
  [/\.\.\./g, ' ... '],
  [/[;@#$%&]/g, ' $& '],
  [/([^.])(\.)([\])}>"']*)\s*$/g, '$1 $2$3 '],
  [/[?!]/g, ' $& '],
  [/([^'])' /g, "$1 ' "],
];
// The added final-period rule (closing curly quotes and spaces allowed after the period) runs before the others.
const PUNCTUATION_WITH_QUOTES: readonly Rewrite[] = [[/([^.])(\.)([\])}>"'»”’ ]*)\s*$/g, '$1 $2 $3 '], ...PUNCTUATION];

const BRACKETS: Rewrite = [/[\][(){}<>]/g, ' $& '];
const DOUBLE_DASH: Rewrite = [/--/g, ' -- '];

const CLOSING_QUOTES: readonly Rewrite[] = [
  [/"/g, " '' "],
  [/(\S)('')/g, '$1 $2 '],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /g, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, '$1 $2 '],
];

// Robert MacIntyre's contractions, split into two tokens.
const CONTRACTIONS: readonly RegExp[] = [
  /\b(can)(not)\b/gi,
  /\b(d)('ye)\b/gi,
  /\b(gim)(me)\b/gi,
  /\b(gon)(na)\b/gi,
  /\b(got)(ta)\b/gi,
  /\b(lem)(me)\b/gi,
  /\b(mor)('n)\b/gi,
  /\b(wan)(na)\s/gi,
  / ('t)(is)\b/gi,
  / ('t)(was)\b/gi,
];

function rewrite(text: string, rules: readonly Rewrite[]): string {
  return rules.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

/** Treebank tokens of one sentence, as NLTK 3.3's word_tokenize (and pywsd 1.2.4's) splits it. */
export function treebankTokenize(text: string): string[] {
  // Letters, digits and spaces only, and none of the split words: no rule applies (the common case for answers).
  if (/^[A-Za-z0-9\s]*$/.test(text) && !/cannot|gimme|gonna|gotta|lemme|wanna/i.test(text)) {
    return text.split(/\s+/).filter((token) => token !== '');
  }
  let t = text.replace(/([«“‘„]|`+)/g, ' $1 ');
  t = rewrite(t, OPENING_QUOTES);
  t = rewrite(t, PUNCTUATION_WITH_QUOTES);
  t = rewrite(t, [BRACKETS, DOUBLE_DASH]);
  t = ` ${t} `;
  t = t.replace(/([»”’])/g, ' $1 ');
  t = rewrite(t, CLOSING_QUOTES);
  for (const pattern of CONTRACTIONS) t = t.replace(pattern, ' $1 $2 ');
  return t.split(/\s+/).filter((token) => token !== '');
}
