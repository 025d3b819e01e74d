import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { defaultDictDir, lemmatize, morphy, wordnet, type Pos } from '../src/metrics/text/wordnet.ts';

// Expected values produced by NLTK 3.3's WordNet reader over the same WordNet 3.0 files (see test/fixtures/wups/README.md).
interface Fixture {
  nltk: string;
  wordnet: string;
  synsets: Record<string, string[]>;
  morphy: Array<{ word: string; pos: Pos | null; morphy: string | null; all: string[] | null; lemmatize: string }>;
  wup: Array<{ a: string; b: string; sa: string | null; sb: string | null; sim: number | null }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/wups/wordnet-nltk33.json', import.meta.url), 'utf8'),
) as Fixture;

const wn = wordnet();

test('the npm WordNet data has the exception lists', () => {
  const { exceptions } = defaultDictDir();
  assert.ok(wn.exceptions('n').size > 2000, `noun.exc in ${exceptions}`);
  assert.deepEqual(wn.exceptions('v').get('ran'), ['run']);
  assert.deepEqual(wn.exceptions('n').get('mice'), ['mouse']);
});

test('irregular forms resolve through the exception lists, as morphy does', () => {
  assert.equal(morphy('mice'), 'mouse');
  assert.equal(morphy('children'), 'child');
  assert.equal(morphy('ran'), 'run');
  assert.equal(morphy('ran', 'n'), undefined);
  assert.equal(morphy('geese', 'n'), 'goose');
  // adj.exc lists "better good well"; morphy keeps the listed order (the form itself first), the lemmatizer the shortest.
  assert.deepEqual(wn.morphyAll('better', 'a'), ['better', 'good', 'well']);
  assert.equal(lemmatize('better', 'a'), 'good');
  assert.equal(wn.synsets('ran')[0]!.name, 'run.v.01');
  assert.equal(wn.synsets('mice')[0]!.name, 'mouse.n.01');
  assert.equal(wn.synsets('children')[0]!.name, 'child.n.01');
});

test('a listed exception stops the suffix rules (NLTK 3.3 _morphy)', () => {
  // "leaves" is in noun.exc (leaf, leave); both are nouns, and no rule-made form is added.
  assert.deepEqual(wn.morphyAll('leaves', 'n'), ['leaves', 'leaf', 'leave'].filter((f) => wn.indexOffsets(f, 'n').length > 0));
  assert.equal(lemmatize('leaves', 'n'), 'leaf');
  assert.equal(lemmatize('running', 'v'), 'run');
  assert.equal(lemmatize('running', 'n'), 'running');
  assert.equal(lemmatize('xyzzy'), 'xyzzy');
});

test('unknown words have no synsets; lookups are case-insensitive', () => {
  assert.deepEqual(wn.synsets('xyzzy'), []);
  assert.deepEqual(wn.synsets(''), []);
  assert.deepEqual(wn.synsets('hot dog'), []);
  assert.equal(wn.synsets('Dog')[0]!.name, 'dog.n.01');
});

test('the index files are sorted byte-wise, so binary search finds every lemma', () => {
  const { dict } = defaultDictDir();
  for (const file of ['noun', 'verb', 'adj', 'adv']) {
    const lines = readFileSync(`${dict}/index.${file}`, 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith(' '));
    let previous = '';
    for (const line of lines) {
      const lemma = line.slice(0, line.indexOf(' '));
      assert.ok(Buffer.compare(Buffer.from(previous), Buffer.from(lemma)) < 0, `index.${file}: ${previous} before ${lemma}`);
      previous = lemma;
    }
    // Spot-check the search on the first, last and a middle lemma.
    const pos = ({ noun: 'n', verb: 'v', adj: 'a', adv: 'r' } as const)[file as 'noun'];
    for (const line of [lines[0]!, lines[lines.length - 1]!, lines[lines.length >> 1]!]) {
      const fields = line.trim().split(' ');
      const expected = fields.slice(fields.length - Number(fields[2])).map(Number);
      assert.deepEqual(wn.indexOffsets(fields[0]!, pos), expected, line);
    }
  }
});

test('synsets match NLTK 3.3 (first four senses of each word)', () => {
  assert.equal(fixture.nltk, '3.3');
  for (const [word, expected] of Object.entries(fixture.synsets)) {
    assert.deepEqual(
      wn.synsets(word).slice(0, 4).map((s) => s.name),
      expected,
      word,
    );
  }
});

test('morphy and lemmatize match NLTK 3.3', () => {
  for (const row of fixture.morphy) {
    const pos = row.pos ?? undefined;
    assert.equal(wn.morphy(row.word, pos) ?? null, row.morphy, `morphy(${row.word}, ${row.pos})`);
    if (pos !== undefined) assert.deepEqual(wn.morphyAll(row.word, pos), row.all, `_morphy(${row.word}, ${row.pos})`);
    assert.equal(wn.lemmatize(row.word, pos), row.lemmatize, `lemmatize(${row.word}, ${row.pos})`);
  }
});

test(`wup_similarity of first synsets matches NLTK 3.3 on ${fixture.wup.length} word pairs`, () => {
  for (const row of fixture.wup) {
    const a = wn.synsets(row.a)[0];
    const b = wn.synsets(row.b)[0];
    assert.equal(a?.name ?? null, row.sa, row.a);
    assert.equal(b?.name ?? null, row.sb, row.b);
    const sim = a && b ? wn.wupSimilarity(a, b) : undefined;
    assert.equal(sim ?? null, row.sim, `${row.sa} ~ ${row.sb}`);
  }
});

test('wup_similarity quirks of NLTK 3.3: min-depth subsumer, and a verb reaches a noun only one way', () => {
  const dog = wn.synsets('dog')[0]!;
  const cat = wn.synsets('cat')[0]!;
  const walk = wn.synsets('walk', 'v')[0]!;
  // The subsumer is the common hypernym with the largest *minimum* depth. dog.n.01 has min depth 8 (via
  // domestic_animal.n.01) but its hypernym canine.n.02 has 12, so dog ~ dog uses canine (max depth 12 -> 13), one edge
  // from each side: 26/28, not 1. (The NExT-QA scorer returns 1 for identical words before asking WordNet.)
  assert.equal(wn.wupSimilarity(dog, dog), 26 / 28);
  assert.equal(wn.wupSimilarity(walk, walk), 1);
  // dog.n.01 and cat.n.01 meet at carnivore.n.01 (max depth 11, so depth 12); dog is 2 below it, cat 2: 24/28.
  assert.equal(wn.wupSimilarity(dog, cat), 24 / 28);
  assert.equal(wn.wupSimilarity(dog, walk), undefined);
  // The subsumer is the fake root (depth 1). walk.v.01 -> travel.v.01 (a verb root) -> fake root: 2 edges.
  // dog.n.01's farthest shortest-path ancestor is entity.n.01 at 8 (via domestic_animal.n.01), so the fake root is at 9.
  // 2*1 / ((2 + 1) + (9 + 1)) = 2/13.
  assert.equal(wn.wupSimilarity(walk, dog), 2 / 13);
});
