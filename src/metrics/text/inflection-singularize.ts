// `inflection.singularize` of the Python package inflection 0.5.1 (jpvanhal/inflection, a port of Ruby on Rails'
// inflector), which open_flamingo's OK-VQA stemmer applies to plural nouns. Same rules, same order: uncountable words
// are returned as they are; otherwise the first rule whose pattern matches rewrites the word. Rule-based, so it
// makes the Rails inflector's mistakes ("specimen" -> "speciman", "bias" -> "bia"); those are part of the procedure.

// Words returned unchanged when they end the word after a word boundary (so "goldfish" is not, "gold fish" is).
const UNCOUNTABLES = ['equipment', 'fish', 'information', 'jeans', 'money', 'rice', 'series', 'sheep', 'species'];
const UNCOUNTABLE_PATTERNS = UNCOUNTABLES.map((word) => new RegExp(`\\b(${word})$`, 'i'));

// [pattern, replacement] in the order the package tries them: its irregular words (registered one by one, each put
// in front of the list, so the last registered comes first), then its SINGULARS list.
const SINGULAR_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(z)ombies$/i, '$1ombie'],
  // cow/kine start with different letters, which the package registers as two case-sensitive rules.
  [/k[iI][nN][eE]$/, 'cow'],
  [/K[iI][nN][eE]$/, 'Cow'],
  [/(m)oves$/i, '$1ove'],
  [/(s)exes$/i, '$1ex'],
  [/(c)hildren$/i, '$1hild'],
  [/(h)umans$/i, '$1uman'],
  [/(m)en$/i, '$1an'],
  [/(p)eople$/i, '$1erson'],
  [/(database)s$/i, '$1'],
  [/(quiz)zes$/i, '$1'],
  [/(matr)ices$/i, '$1ix'],
  [/(vert|ind)ices$/i, '$1ex'],
  [/(passer)sby$/i, '$1by'],
  [/^(ox)en/i, '$1'],
  [/(alias|status)(es)?$/i, '$1'],
  [/(octop|vir)(us|i)$/i, '$1us'],
  [/^(a)x[ie]s$/i, '$1xis'],
  [/(cris|test)(is|es)$/i, '$1is'],
  [/(shoe)s$/i, '$1'],
  [/(o)es$/i, '$1'],
  [/(bus)(es)?$/i, '$1'],
  [/(m|l)ice$/i, '$1ouse'],
  [/(x|ch|ss|sh)es$/i, '$1'],
  [/(m)ovies$/i, '$1ovie'],
  [/(s)eries$/i, '$1eries'],
  [/([^aeiouy]|qu)ies$/i, '$1y'],
  [/([lr])ves$/i, '$1f'],
  [/(tive)s$/i, '$1'],
  [/(hive)s$/i, '$1'],
  [/([^f])ves$/i, '$1fe'],
  [/(t)he(sis|ses)$/i, '$1hesis'],
  [/(s)ynop(sis|ses)$/i, '$1ynopsis'],
  [/(p)rogno(sis|ses)$/i, '$1rognosis'],
  [/(p)arenthe(sis|ses)$/i, '$1arenthesis'],
  [/(d)iagno(sis|ses)$/i, '$1iagnosis'],
  [/(b)a(sis|ses)$/i, '$1asis'],
  [/(a)naly(sis|ses)$/i, '$1nalysis'],
  [/([ti])a$/i, '$1um'],
  [/(n)ews$/i, '$1ews'],
  [/(ss)$/i, '$1'],
  [/s$/i, ''],
];

/** The singular of `word` by inflection 0.5.1's rules: "posts" -> "post", "octopi" -> "octopus", "sheep" -> "sheep". */
export function singularize(word: string): string {
  for (const pattern of UNCOUNTABLE_PATTERNS) if (pattern.test(word)) return word;
  for (const [pattern, replacement] of SINGULAR_RULES) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}
