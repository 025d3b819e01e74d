import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { rngFor } from '../src/core/random.ts';
import { randomScene, sceneAt, SHAPES } from '../sample-data/generator/scene.ts';
import { rasterize, renderScene } from '../sample-data/generator/render.ts';
import { caption, captions, knowledgeQuestion, question, shapeNames } from '../sample-data/generator/language.ts';
import { makeEpisode, writeCorpus } from '../sample-data/generator/corpus.ts';

test('a scene and its image depend only on the key', async () => {
  const a = randomScene(rngFor('t', 1), 's1', { maxObjects: 4 });
  const b = randomScene(rngFor('t', 1), 's1', { maxObjects: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, randomScene(rngFor('t', 2), 's1', { maxObjects: 4 }));
  const png = await renderScene(a);
  assert.deepEqual(png, await renderScene(b));
  const jpeg = await renderScene(a, { format: 'jpeg', size: 48 });
  const meta = await sharp(jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, 48);
});

test('pixels show the objects: the centre pixel of a large object has its colour', () => {
  const scene = { id: 'x', background: 'gray' as const, objects: [{ shape: 'square' as const, colour: 'red' as const, size: 'large' as const, x: 0.5, y: 0.5 }] };
  const px = rasterize(scene, 30);
  const centre = (15 * 30 + 15) * 3;
  assert.deepEqual([...px.subarray(centre, centre + 3)], [220, 40, 40]);
  assert.deepEqual([...px.subarray(0, 3)], [128, 128, 128]);
});

test('captions and questions are true of the scene', () => {
  for (let i = 0; i < 200; i++) {
    const rng = rngFor('facts', i);
    const scene = randomScene(rng, `s${i}`, { maxObjects: 4 });
    const refs = captions(scene, rng);
    assert.equal(refs.length, 5);
    assert.equal(refs[0], caption(scene));
    for (const o of scene.objects) assert.ok(refs[0]!.includes(o.colour), `${refs[0]} names ${o.colour}`);
    const q = question(scene, rng);
    assert.equal(q.answers.length, 10);
    if (q.answerType === 'number') {
      const shape = SHAPES.find((s) => q.question.includes(s.slice(0, 4)))!;
      assert.equal(Number(q.answer), scene.objects.filter((o) => o.shape === shape).length, q.question);
    }
    const colourOf = /^What color is the (small |large )?(\w+)\?$/.exec(q.question);
    if (colourOf) {
      const matches = scene.objects.filter((o) => o.shape === colourOf[2] && (!colourOf[1] || o.size === colourOf[1].trim()));
      assert.equal(matches.length, 1, `${q.question} names one object`);
      assert.equal(q.answer, matches[0]!.colour);
    }
  }
});

test('knowledge answers follow the naming convention', () => {
  const names = shapeNames(rngFor('names'));
  assert.equal(new Set(Object.values(names)).size, SHAPES.length);
  const scene = { id: 'k', background: 'white' as const, objects: [{ shape: 'cross' as const, colour: 'blue' as const, size: 'small' as const, x: 0.5, y: 0.5 }] };
  assert.equal(knowledgeQuestion(scene, names, rngFor('k')).answer, names.cross);
});

test('moving objects stay in the image', () => {
  const scene = randomScene(rngFor('move'), 'm', { moving: true, maxObjects: 3 });
  for (const t of [0, 1, 7.5, 30]) for (const o of sceneAt(scene, t).objects) assert.ok(o.x >= 0 && o.x <= 1 && o.y >= 0 && o.y <= 1);
});

test('training episodes: deterministic, and binding names hold within an episode', () => {
  assert.deepEqual(makeEpisode(7, { seed: 3 }), makeEpisode(7, { seed: 3 }));
  let bindings = 0;
  for (let i = 0; i < 60; i++) {
    const e = makeEpisode(i, { seed: 3, minChunks: 2 });
    assert.ok(e.chunks.length >= 2 && e.chunks.length <= 8);
    if (e.kind !== 'binding') continue;
    bindings++;
    for (const c of e.chunks) {
      assert.equal(c.answer, e.names![c.scene.objects[0]!.shape]);
      assert.ok(c.text.endsWith(c.answer!));
    }
  }
  assert.ok(bindings > 10);
});

test('writeCorpus writes images and one JSON line per episode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'corpus-'));
  try {
    const result = await writeCorpus(dir, 5, { seed: 1, imageSize: 32 });
    const lines = (await readFile(join(dir, 'episodes.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 5);
    const first = JSON.parse(lines[0]!);
    const meta = await sharp(join(dir, first.chunks[0].image)).metadata();
    assert.equal(meta.width, 32);
    assert.equal((await readdir(join(dir, 'images'))).length, result.images);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
