// coco-caption's tokenization step (pycocoevalcap/tokenizer/ptbtokenizer.py): every caption goes through Stanford
// CoreNLP 3.4.1's PTBTokenizer, run as `PTBTokenizer -preserveLines -lowerCase`, and the tokens in its PUNCTUATIONS
// list are dropped. This is our own scanner for the PTBTokenizer's rules (default options: PTB3 escaping, LaTeX
// quotes, "..." ellipsis, "--" dashes, -LRB-/-RRB- brackets, split "n't"/"'s"/"cannot"/"gonna", abbreviations that
// keep their period); it runs on the original text, since the tokenizer matches case-sensitive patterns first and
// lowercases each token afterwards.
//
// Quirks of that pipeline kept on purpose, because the official scores include them:
// - brackets become "-LRB-", "-RRB-", "-LSB-", ... and are lowercased before the punctuation filter, whose list
//   spells them in capitals, so "-lrb-"/"-rrb-" survive as tokens;
// - "?!" and "!!" are single tokens not on the list and survive; so do "&", "%", "$", "#", "/", "*", "<", ">";
// - abbreviations and single letters keep their period ("mr.", "st.", "u.s.", "a.m.", a caption ending "... a.");
// - "1 1/2" is one token holding a no-break space (BLEU and CIDEr split it again; ROUGE-L does not);
// - characters the tokenizer cannot place (emoji, most control characters) are deleted.
// Not reproduced: a caption holding a line break other than "\n" ("\r", U+2028, ...) makes the tokenizer emit an
// extra line, which shifts every later caption in pycocoevalcap's output; here such a break is a space.
//
// Verified token for token against PTBTokenizer 3.4.1 (built from the CoreNLP v3.4.1 sources and run as pycocoevalcap
// runs it): the 1,842 lines of test/fixtures/caption/ptb-tokenizer.json (generated COCO-style captions, hand-made hard
// cases -- contractions and possessives with straight and curly apostrophes, quotes, brackets, hyphens and dashes,
// ellipses, abbreviations and acronyms at a caption's end or before a capital, numbers, fractions, dates, times,
// currency, slashes, URLs, e-mail addresses, smileys, emoji, accented words -- and random mixes of all of these), and
// about 33,000 further generated lines during development, with no difference.
import { InputError } from '../../core/errors.ts';
import type { CaptionItem } from '../types.ts';
import type { TokenizedCaptions } from '../caption-ngrams.ts';

// pycocoevalcap's PUNCTUATIONS: compared with the lowercased tokens, so the bracket names never match.
const DROPPED = new Set(["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';']);

/**
 * A caption as coco-caption scores it: PTB tokens, lowercased, its punctuation tokens dropped, joined by spaces.
 * pycocoevalcap tokenizes all captions as the lines of one file, and at a line's end the tokenizer looks ahead into
 * the next line (an abbreviation's period before "The" is a token of its own, so "... says A." then "The dog ..."
 * gives "a", not "a."); `following` is the text of the lines after this one, joined by "\n", when there are any.
 */
export function ptbTokenize(text: string, following?: string): string {
  return ptbTokens(text, following)
    .filter((token) => !DROPPED.has(token))
    .join(' ');
}

/** The tokens `PTBTokenizer -lowerCase` prints for one line of text (before coco-caption drops punctuation). */
export function ptbTokens(text: string, following?: string): string[] {
  // pycocoevalcap replaces a caption's own line breaks with spaces; those between the following lines stay.
  const tokens = lex(text.replace(/\n/g, ' '), following);
  for (let i = 0; i < tokens.length; i++) tokens[i] = tokens[i]!.toLowerCase();
  return tokens;
}

/**
 * Tokenize a list of captions as pycocoevalcap does in one call: each caption with the captions after it as its
 * look-ahead.
 */
export function ptbTokenizeAll(texts: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    let following: string | undefined;
    if (i + 1 < texts.length) {
      // Only a line that ends in a period can tokenize differently with different next lines (the acronym and
      // "no. 5" rules); for the others, knowing that a line break follows is enough.
      following = '';
      if (texts[i]!.trimEnd().endsWith('.')) {
        for (let j = i + 1; j < texts.length && following.length < LOOKAHEAD; j++) {
          following += (j > i + 1 ? '\n' : '') + texts[j]!.replace(/\n/g, ' ');
        }
      }
    }
    out.push(ptbTokenize(texts[i]!, following));
  }
  return out;
}

/**
 * Tokenize each image's prediction and references as coco-caption does: the references of all images (in item order)
 * as one file, the predictions as another.
 */
export function tokenizeCaptionItems(items: readonly CaptionItem[]): TokenizedCaptions[] {
  if (items.length === 0) throw new InputError('no captions to score: the prediction list is empty');
  for (const item of items) {
    if (item.references.length === 0) throw new InputError(`image ${item.id} has no reference captions`);
  }
  const predictions = ptbTokenizeAll(items.map((item) => item.prediction));
  const references = ptbTokenizeAll(items.flatMap((item) => item.references));
  let next = 0;
  return items.map((item, i) => ({
    prediction: predictions[i]!,
    references: item.references.map(() => references[next++]!),
  }));
}

// How much of the following lines the scanner sees: more than its longest look-ahead (a line break, an abbreviation
// context such as " According ", or a short SGML tag).
const LOOKAHEAD = 64;

// ------------------------------------------------------------------------------------------------------------------
// The scanner. At each position every rule is tried; the longest match wins (its trailing context, the part after
// "/" in the lexer's notation, counts towards the length but is not consumed), and on a tie the earlier rule.
// ------------------------------------------------------------------------------------------------------------------

const SPACE = ' \\t\\u00A0\\u2000-\\u200A\\u3000';
const NEWLINE = '\\r\\n\\u2028\\u2029\\u000B\\u000C\\u0085';
const SPACENL = `[${SPACE}${NEWLINE}]`;
// The lexer reads UTF-16 code units, so a character outside the Basic Multilingual Plane is never a letter or digit
// to it (its surrogate halves are untokenizable); `BMP` keeps these classes to the BMP.
const BMP = '(?![\\u{10000}-\\u{10FFFF}])';
const L = `(?:${BMP}\\p{L})`;
const LETTER = `(?:${BMP}[\\p{L}\\p{M}\\u00AD])`;
const DIGIT = `(?:${BMP}\\p{Nd})`;
const LETTER_OR_DIGIT = `(?:${BMP}[\\p{L}\\p{M}\\u00AD\\p{Nd}])`;
const ALNUM = `(?:${BMP}[\\p{L}\\p{Nd}])`;
const APOS = "(?:['\\u0092\\u2019]|&apos;)";
const APOS_ANY = "(?:['\\u0092\\u2019`\\u0091\\u2018\\u201B]|&apos;)";
const HYPHEN = '[-_\\u058A\\u2010\\u2011]';

/** A word matched case-insensitively, except a leading `^` marks a first letter that must be upper case. */
function caseless(word: string): string {
  let out = '';
  let i = 0;
  if (word.startsWith('^')) {
    out += word[1];
    i = 2;
  }
  for (; i < word.length; i++) {
    const c = word[i]!;
    const upper = c.toUpperCase();
    out += upper !== c ? `[${c}${upper}]` : c === '.' ? '\\.' : c;
  }
  return out;
}
const words = (list: string): string =>
  list
    .split(' ')
    .sort((a, b) => b.length - a.length)
    .map(caseless)
    .join('|');

const WORD = `${LETTER}${LETTER_OR_DIGIT}*(?:[.!?]${LETTER}${LETTER_OR_DIGIT}*)*`;
const REDAUX = `${APOS}(?:[msdMSD]|[rR][eE]|[vV][eE]|[lL][lL])`;
const SWORD = '[A-Za-z\\u00AD]*[A-MO-Za-mo-z]\\u00AD*';
const SREDAUX = `[nN]${APOS_ANY}[tT]`;
const THING_PART = `(?:[dDoOlL]${APOS_ANY}${ALNUM})?${ALNUM}+`;
const THING = `${THING_PART}(?:${HYPHEN}${THING_PART})*`;
const THINGA = '[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+';
const THING3 = '[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\\\?\\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}';
const ACRO2 = `(?:${caseless('u.s.-u.s.s.r')}|${caseless('u.s.-u.k')}|(?:${words('canada sino korean eu japan non')})-${caseless('u.s')}|[A-Za-z](?:\\.[A-Za-z])+)`;
const ACRO = `(?:${caseless('u.s.-u.s.s.r')}|${caseless('u.s.-u.k')}|(?:${words('canada sino korean eu japan non')})-${caseless('u.s')}|[A-Za-z](?:\\.[A-Za-z])*)`;
const HTHING = `[A-Za-z0-9][A-Za-z0-9.,\\u00AD]*(?:-(?:${ACRO2}\\.|[A-Za-z0-9\\u00AD]+))+`;
const NUM = `(?:${DIGIT}*(?:[.:,\\u00AD\\u066B\\u066C]${DIGIT}+)+|${DIGIT}+)`;
const FILENAME_EXT = words(
  'bat bmp c class cgi cpp dll doc docx exe gif gz h htm html jar java jpeg jpg mov mp3 pdf php pl png ppt ps py sql tar txt wav x xml zip',
);
const FILENAME = `${LETTER_OR_DIGIT}+(?:\\.${LETTER_OR_DIGIT}+)*\\.(?:${FILENAME_EXT})`;
const SGML = `<(?:[!?][A-Za-z-][^>\\r\\n]*|[A-Za-z][A-Za-z0-9_:.-]*(?: +(?:[A-Za-z][A-Za-z0-9_:.-]*(?: *= *(?:'[^']*'|"[^"]*"))?))* *\\/?|\\/[A-Za-z][A-Za-z0-9_:.-]*) *>`;

// Abbreviations that keep their period. ABBREV1 are usually followed by a lower-case word: before a capital (or two
// spaces, or the end) the period is also returned as a token of its own. ABBREV2 are usually followed by a capital.
const ABBREV1 = words(
  [
    'jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri',
    'ala ariz ^Az ^Ark calif colo conn ct dak ^Del fla ga ^Ill ind kan kans ky ^La ^Mass md mich minn ^Miss mo mont neb',
    'nev okla ^Ore ^Pa penn tenn ^Tex va vt ^Wash wis wisc wyo',
    'inc co cos corp ltd plc rt bancorp bhd assn univ intl sys tel est ext sq jr sr bros ed.d ph.d blvd rd esq etc al seq bldg',
  ].join(' '),
);
// "Pp?t[ye]s?" (Pty, Pte, Ptys, ...): the y/e must be lower case.
const ABBREV1_ALL = `(?:${ABBREV1}|[pP][pP]?[tT][ye][sS]?)\\.`;
const ABTITLE = words(
  'mr mrs ms ^Miss dr drs prof profs sen sens rep reps atty attys lt col gen messrs gov govs adm rev maj sgt cpl pvt capt st ste ave pres lieut hon brig cmdr comdr pfc spc supt supts det mt ft adj adv asst assoc ens insp mlle mme msgr sfc',
);
const ABBREV4 = `(?:${ABTITLE}|${words('vs alex wm jos cie a.k.a cf treas ph invt elec natl mfg mtg dept')}|${ACRO})`;
const ABBREV3 = `(?:${words('ca figs fig prop nos no art bldg pp op')})\\.`;
// After an acronym, these capitalised words mark the acronym's period as also ending the sentence.
const SENTENCE_STARTERS = words(
  '^About ^According ^Additionally ^After ^An ^A ^As ^At ^But ^Earlier ^He ^Her ^Here ^However ^If ^In ^It ^Last ^Many ^More ^Mr. ^Ms. ^Now ^Once ^One ^Other ^Our ^She ^Since ^So ^Some ^Such ^That ^The ^Their ^Then ^There ^These ^They ^This ^We ^When ^While ^What ^Yet ^You',
);

const QUOTE_CHARS = "`\\u2018\\u2019\\u201A\\u201B\\u201C\\u201D\\u0091\\u0092\\u0093\\u0094\\u201E\\u201F\\u2039\\u203A\\u00AB\\u00BB";
const MISC_SYMBOL =
  '[+%&~\\^|\\\\\\u00A6\\u00A7\\u00A8\\u00A9\\u00AC\\u00AE\\u00AF\\u00B0-\\u00BA\\u00D7\\u00F7\\u0387\\u05BE\\u05C0\\u05C3\\u05C6\\u05F3\\u05F4\\u0600-\\u0603\\u0606-\\u060A\\u060C\\u0614\\u061B\\u061E\\u066A\\u066D\\u0703-\\u070D\\u07F6-\\u07F8\\u0964\\u0965\\u0E4F\\u1FBD\\u2016\\u2017\\u2020-\\u2023\\u2030-\\u2038\\u203B\\u203E-\\u2042\\u2044\\u207A-\\u207F\\u208A-\\u208E\\u2100-\\u214F\\u2190-\\u21FF\\u2200-\\u2BFF\\u3012\\u30FB\\uFF01-\\uFF0F\\uFF1A-\\uFF20\\uFF3B-\\uFF40\\uFF5B-\\uFF65]';

/** What a rule does with its match: the tokens it emits and how many characters it consumes. */
type Action = (text: string) => { tokens: string[]; consumed?: number };

interface Rule {
  /** Sticky pattern: group 1 is the token, the rest (if any) is trailing context. */
  pattern: RegExp;
  action: Action;
}

const keep: Action = (text) => ({ tokens: [text] });
const as = (token: string): Action => () => ({ tokens: [token] });
const withoutSoftHyphens = (text: string): string => {
  const out = text.replace(/\u00AD/g, '');
  return out === '' ? '-' : out;
};
const normalSpace = (text: string): string => text.replace(/ /g, '\u00A0');
const brackets = (text: string): string => text.replace(/\(/g, '-LRB-').replace(/\)/g, '-RRB-');
/** Split after `head` characters: the rest is scanned again. */
const splitAfter =
  (head: (text: string) => number): Action =>
  (text) => ({ tokens: [text.slice(0, head(text))], consumed: head(text) });

/** LaTeX-style quotes: an ASCII quote becomes ` or `` when it opens, ' or '' when it closes; curly ones by shape. */
function latexQuotes(text: string, opening: boolean): string {
  let out = opening
    ? text.replace(/&apos;|'/g, '`').replace(/"|&quot;/g, '``')
    : text.replace(/&apos;|'/g, "'").replace(/"|&quot;/g, "''");
  out = out
    .replace(/[\u0091\u2018\u201B\u2039]/g, '`')
    .replace(/[\u0092\u2019\u203A]/g, "'")
    .replace(/[\u0093\u201C\u00AB]/g, '``')
    .replace(/[\u0094\u201D\u00BB]/g, "''");
  return out;
}
const closingQuote: Action = (text) => ({ tokens: [latexQuotes(text, false)] });
const openingQuote: Action = (text) => ({ tokens: [latexQuotes(text, true)] });

/** An abbreviation before a sentence end: the token keeps its period and the period is also returned after it. */
const periodTwice: Action = (text) => ({ tokens: [text], consumed: text.length - 1 });

const FRACTIONS: Record<string, string> = { '\u00BC': '1/4', '\u00BD': '1/2', '\u00BE': '3/4', '\u2153': '1/3', '\u2154': '2/3' };

const URL_PATH = '(?:\\/[^ \\t\\n\\f\\r"<>|()]+[^ \\t\\n\\f\\r"<>|.!?(){},-])?';

/** One lexer rule whose alternatives must compete on length (each becomes a rule of the same rank). */
function alternatives(patterns: string[], action: Action): Rule[] {
  return patterns.map((pattern) => rule(pattern, action));
}

function rule(token: string, action: Action, context?: string): Rule {
  return { pattern: new RegExp(`(${token})${context === undefined ? '' : `(?=(${context}))`}`, 'uy'), action };
}

// In the lexer's order: on equal length the earlier rule wins. Compiled on first use, not when the module loads: the
// ~120 Unicode-aware expressions cost about 4 ms, which every command that lists or loads a task would otherwise pay
// at start-up (measured with node --cpu-prof on `flamingo-eval tasks`).
let rules: Rule[] | undefined;
function lexerRules(): Rule[] {
  return (rules ??= buildRules());
}

function buildRules(): Rule[] {
  return [
    rule('[cC]\\+\\+', keep),
    rule('[cCfF]#', keep),
    rule(caseless('cannot'), splitAfter(() => 3)),
    rule(`'${caseless('twas')}`, splitAfter(() => 2)),
    rule(`'${caseless('tis')}`, splitAfter(() => 2)),
    rule(words('gonna gotta lemme gimme wanna'), splitAfter(() => 3)),
    rule(SGML, (text) => ({ tokens: [normalSpace(text)] })),
    rule(`&(?:MD|mdash|ndash);|[\\u0096\\u0097\\u2013\\u2014\\u2015]`, as('--')),
    rule(caseless('&amp;'), as('&')),
    rule('&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);', keep),
    rule(WORD, (text) => ({ tokens: [withoutSoftHyphens(text)] }), REDAUX),
    rule(SWORD, (text) => ({ tokens: [withoutSoftHyphens(text)] }), SREDAUX),
    rule(WORD, (text) => ({ tokens: [withoutSoftHyphens(text)] })),
    // Words with an inner apostrophe that stay whole (y'know, o'er, ma'am, '90s, ...). One lexer rule; its
    // alternatives are tried separately so that the longest wins, as in the lexer (a JS alternation takes the first).
    ...alternatives(
      [
        `${APOS}[nN]${APOS}?`,
        `[lLdDjJ]${APOS}`,
        `${caseless('dunkin')}${APOS}`,
        `${caseless('somethin')}${APOS}`,
        `${caseless('ol')}${APOS}`,
        `${APOS}${caseless('em')}`,
        `[A-HJ-XZn]${APOS_ANY}${L}{2,}`,
        `${APOS}[2-9]0[sS]`,
        `${APOS}[tT][iI][lL][lL]?`,
        `${L}+[aeiouyAEIOUY]${APOS_ANY}[aeiouA-Z]${L}*`,
        `${APOS}${caseless('cause')}`,
        `${caseless("cont'd")}\\.?`,
        `${caseless("'twas")}`,
        `${caseless("nor'easter")}`,
        `${caseless("c'mon")}`,
        `${caseless("e'er")}`,
        `${caseless("s'mores")}`,
        `${caseless("ev'ry")}`,
        `${caseless("li'l")}`,
        `${caseless("nat'l")}`,
        `[oO]${APOS_ANY}[oO]`,
      ],
      keep,
    ),
    rule(`[yY]${APOS}`, keep, L),
    rule(`[hH][tT][tT][pP][sS]?:\\/\\/[^ \\t\\n\\f\\r"<>|(){}]+[^ \\t\\n\\f\\r"<>|.!?(){},-]`, keep),
    // Likely URLs: www.x.yy, or names ending in .com/.net/.org/.edu (whose class excludes the whole range , to _,
    // digits and capitals included), with an optional path.
    ...alternatives(
      [
        `${caseless('www.')}(?:[^ \\t\\n\\f\\r"<>|.!?(){},]+\\.)+[a-zA-Z]{2,4}${URL_PATH}`,
        `(?:[^ \\t\\n\\f\\r"\`'<>|.!?(){}\\u002C-\\u005F$]+\\.)+(?:${words('com net org edu')})${URL_PATH}`,
      ],
      keep,
    ),
    rule(
      `(?:&lt;|<)?[a-zA-Z0-9][^ \\t\\n\\f\\r"<>|()\\u00A0{}]*@(?:[^ \\t\\n\\f\\r"<>|(){}.\\u00A0]+\\.)*[^ \\t\\n\\f\\r"<>|(){}.\\u00A0]+(?:&gt;|>)?`,
      keep,
    ),
    rule(`@[a-zA-Z_][a-zA-Z_0-9]*|#${LETTER}+`, keep),
    rule(REDAUX, closingQuote, '[^A-Za-z]'),
    rule(SREDAUX, closingQuote, '[^A-Za-z]'),
    rule(`${DIGIT}{1,2}[-/]${DIGIT}{1,2}[-/]${DIGIT}{2,4}`, keep),
    rule(`[-+]?${NUM}`, (text) => ({ tokens: [withoutSoftHyphens(text)] })),
    rule('[\\u207A\\u207B\\u208A\\u208B]?(?:[\\u2070\\u00B9\\u00B2\\u00B3\\u2074-\\u2079]+|[\\u2080-\\u2089]+)', keep),
    rule(`(?:${DIGIT}{1,4}[- \\u00A0])?${DIGIT}{1,4}(?:\\\\?\\/|\\u2044)${DIGIT}{1,4}`, (text) => ({ tokens: [normalSpace(text)] })),
    rule('[\\u00BC\\u00BD\\u00BE\\u2153-\\u215E]', (text) => ({ tokens: [FRACTIONS[text] ?? text] })),
    rule(
      `-(?:RRB|LRB|RCB|LCB|RSB|LSB)-|${caseless('c.d.s')}|${caseless('pro-')}|${caseless('anti-')}|[sS](?:&|&amp;)[pP]-500|[sS](?:&|&amp;)[lL][sS]|${caseless('cap')}${APOS}[nN]|[cC]${APOS}${caseless('est')}`,
      (text) => ({ tokens: [text.replace(/&amp;/gi, '&')] }),
    ),
    rule(THING3, keep),
    rule('[A-Z]*\\$|#', keep),
    rule('[\\u00A2\\u00A3\\u00A4\\u00A5\\u0080\\u20A0\\u20AC\\u060B\\u0E3F\\u20A4\\uFFE0\\uFFE1\\uFFE5\\uFFE6]', (text) => ({
      tokens: [text.replace(/\u00A2/g, 'cents').replace(/\u00A3/g, '#').replace(/[\u0080\u00A4\u20A0\u20AC]/g, '$')],
    })),
    rule(`${ACRO}\\.`, (text) => (text.length === 2 ? { tokens: [text[0]!], consumed: 1 } : periodTwice(text)), `${SPACENL}+(?:${SENTENCE_STARTERS}|${SGML})${SPACENL}`),
    rule(ABBREV3, keep, `${SPACENL}?${DIGIT}`),
    rule(`(?:[pP][tT][eyEY]|[cC][oO])\\.`, keep, `[${SPACE}](?:${words('ltd lim')})`),
    rule(ABBREV1_ALL, periodTwice, `${SPACENL}(?:${SPACENL}|(?:${BMP}\\p{Lu})|${SGML})`),
    rule(ABBREV1_ALL, keep, '[^][^]'),
    rule(ABBREV1_ALL, periodTwice),
    rule(`${ABBREV4}\\.`, keep),
    rule(ABBREV4, keep, `[${SPACE}]`),
    rule(ACRO, keep, SPACENL),
    rule(`${APOS}[0-9][0-9]`, keep, SPACENL),
    rule(FILENAME, keep, `${SPACENL}|[.?!,]`),
    rule(`${WORD}\\.`, (text) => ({ tokens: [withoutSoftHyphens(text)] }), '[,;:\\u3001]'),
    rule(
      '(?:\\([0-9]{2,3}\\)[ \\u00A0]?|(?:\\+\\+?)?(?:[0-9]{2,4}[- \\u00A0])?[0-9]{2,4}[- \\u00A0])[0-9]{3,4}[- \\u00A0]?[0-9]{3,5}|(?:(?:\\+\\+?)?[0-9]{2,4}\\.)?[0-9]{2,4}\\.[0-9]{3,4}\\.[0-9]{3,5}',
      (text) => ({ tokens: [brackets(normalSpace(text))] }),
    ),
    rule('"|&quot;', openingQuote, '[A-Za-z0-9$]'),
    rule('"|&quot;', closingQuote),
    rule('<|&lt;', as('<')),
    rule('>|&gt;', as('>')),
    rule("[<>]?[:;=][-o*']?[()DPdpO\\\\{@|\\[\\]]", (text) => ({ tokens: [brackets(text)] }), '[^A-Za-z0-9]'),
    rule(
      "[\\^x=~<>]\\.\\[\\^x=~<>\\]|[-\\^x=~<>']_[-\\^x=~<>']|\\([-\\^x=~<>'][_.]?[-\\^x=~<>']\\)|\\([\\^x=~<>']-[\\^x=~<>'`]\\)",
      (text) => ({ tokens: [brackets(text)] }),
    ),
    rule('\\{', as('-LCB-')),
    rule('\\}', as('-RCB-')),
    rule('\\[', as('-LSB-')),
    rule('\\]', as('-RSB-')),
    rule('\\(', as('-LRB-')),
    rule('\\)', as('-RRB-')),
    rule('-+', (text) => ({ tokens: [text.length === 3 || text.length === 4 ? '--' : text] })),
    rule('\\.{3,5}|(?:\\.[ \\u00A0]){2,4}\\.|[\\u0085\\u2026]', as('...')),
    rule('@+|#+|_+', keep),
    rule('\\*+|(?:\\\\\\*){1,3}', keep),
    rule('[,;:\\u3001]', keep),
    rule('[?!]+', keep),
    rule('[.\\u00A1\\u00BF\\u037E\\u0589\\u061F\\u06D4\\u0700-\\u0702\\u07FA\\u3002]', keep),
    rule('=', keep),
    rule('\\/', keep),
    rule(`${HTHING}\\.`, (text) => ({ tokens: [withoutSoftHyphens(text)] }), '[,;:\\u3001]'),
    rule(HTHING, (text) => ({ tokens: [withoutSoftHyphens(text)] })),
    rule(`${THING}\\.`, keep, '[,;:\\u3001]'),
    rule(THING, keep),
    rule(`${THINGA}\\.`, (text) => ({ tokens: [text.replace(/&amp;/gi, '&')] }), '[,;:\\u3001]'),
    rule(THINGA, (text) => ({ tokens: [text.replace(/&amp;/gi, '&')] })),
    rule("'", openingQuote, `[A-Za-z][^ \\t\\n\\r\\u00A0]`),
    rule(REDAUX, closingQuote),
    rule(SREDAUX, closingQuote),
    rule(`&apos;|''|[${QUOTE_CHARS}]{1,2}|['\\u0092\\u2019]`, closingQuote),
    rule('<<|>>', keep),
    rule(MISC_SYMBOL, keep),
  ];
}

// Skipped between tokens: spaces, line breaks, zero-width characters, DEL, NUL and `&nbsp;`.
// (U+0085 is a line break in the contexts but, as a token, the lexer reads it as an ellipsis first.)
const SKIP = new RegExp(`(?:[${SPACE}\\r\\n\\u2028\\u2029\\u000B\\u000C\\u0000\\u007F\\u200B\\u200E\\u200F\\uFEFF]|&nbsp;)+`, 'y');
// Shortcuts for the common cases, where no rule can match longer: a plain ASCII word before a space, a line end or
// , ; : and a space (unless it is one of the words that are split: cannot, gonna, ...); a word of two or more
// letters before a full stop that ends the sentence (unless it is an abbreviation that keeps its period); and a lone
// , ; : ? ! or . before a space or a line end (a full stop not starting a spaced ". . .").
// PLAIN_WORD and PLAIN_PUNCTUATION are these patterns, written out with character codes (plainWordEnd,
// isPlainPunctuation) because they run at nearly every token: about half the tokenizer's time as sticky regular
// expressions.
//   PLAIN_WORD        /([A-Za-z]+)(?:(?=[ \n]|[,;:][ \n]|[,;:]?$)|(\.)(?=[ \n]|$))/y
//   PLAIN_PUNCTUATION /[,;:?!.](?=\n|$| (?!\.))/y
const SPLIT_WORDS = /^(?:cannot|gonna|gotta|lemme|gimme|wanna)$/i;
const isSplitWord = (word: string): boolean => (word.length === 5 || word.length === 6) && SPLIT_WORDS.test(word);
const KEEPS_PERIOD = new RegExp(
  `^(?:${ABBREV1}|${ABTITLE}|${words('vs alex wm jos cie cf treas ph invt elec natl mfg mtg dept ca figs fig prop nos no art bldg pp op pty pte ptys ptes ppty pptys ppte pptes co')})$`,
  'i',
);

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpaceOrNewline = (c: number): boolean => c === 32 || c === 10;
const isClauseMark = (c: number): boolean => c === 44 || c === 59 || c === 58; // , ; :

/**
 * PLAIN_WORD at `at`: the end of the word when it matches without its period, minus the end when it matches with a
 * full stop after it, 0 when it does not match. (A shorter run of letters is never followed by what the lookaheads
 * accept, so trying only the longest run is the regular expression's backtracking too.)
 */
export function plainWordEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && isLetter(text.charCodeAt(end))) end++;
  if (end === at) return 0;
  if (end === text.length) return end;
  const c = text.charCodeAt(end);
  if (isSpaceOrNewline(c)) return end;
  const after = end + 1 === text.length ? -1 : text.charCodeAt(end + 1);
  if (isClauseMark(c) && (after === -1 || isSpaceOrNewline(after))) return end;
  if (c === 46 && (after === -1 || isSpaceOrNewline(after))) return -end;
  return 0;
}

/** PLAIN_PUNCTUATION at `at`. */
export function isPlainPunctuation(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (!(isClauseMark(c) || c === 63 || c === 33 || c === 46)) return false; // , ; : ? ! .
  if (at + 1 === text.length) return true;
  const next = text.charCodeAt(at + 1);
  if (next === 10) return true;
  return next === 32 && text.charCodeAt(at + 2) !== 46; // NaN past the end: not a "."
}

function lex(line: string, following: string | undefined): string[] {
  const text = following === undefined ? line : `${line}\n${following.slice(0, LOOKAHEAD)}`;
  const out: string[] = [];
  let at = 0;
  while (at < line.length) {
    if (text.charCodeAt(at) === 32) {
      at++; // the usual separator, without the SKIP pattern's call (which consumes the rest of a longer run)
      continue;
    }
    SKIP.lastIndex = at;
    if (SKIP.test(text)) {
      at = SKIP.lastIndex;
      continue;
    }
    const plain = plainWordEnd(text, at);
    if (plain !== 0) {
      const word = text.slice(at, Math.abs(plain));
      if (plain > 0 ? !isSplitWord(word) : word.length > 1 && !KEEPS_PERIOD.test(word) && !isSplitWord(word)) {
        out.push(word);
        at += word.length;
        continue;
      }
    }
    if (isPlainPunctuation(text, at)) {
      out.push(text[at]!);
      at += 1;
      continue;
    }
    let best: Rule | undefined;
    let bestLength = 0;
    let bestToken = '';
    for (const candidate of lexerRules()) {
      candidate.pattern.lastIndex = at;
      const match = candidate.pattern.exec(text);
      if (match === null) continue;
      const length = match[1]!.length + (match[2]?.length ?? 0);
      if (length > bestLength) {
        best = candidate;
        bestLength = length;
        bestToken = match[1]!;
      }
    }
    if (best === undefined || bestToken.length === 0) {
      at += 1; // untokenizable (emoji, most control characters): deleted, one UTF-16 code unit at a time
      continue;
    }
    const { tokens, consumed } = best.action(bestToken);
    out.push(...tokens);
    at += consumed ?? bestToken.length;
  }
  return out;
}
