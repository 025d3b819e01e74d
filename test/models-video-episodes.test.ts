// The builder's video episodes: the frames a clip contributes are the ones the harness feeds the vision graph, and a
// motion question's answer is what the clip shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLAMINGO_SAMPLING } from '../src/media/sampling.ts';
import { SIZES, sceneAt } from '../sample-data/generator/scene.ts';
import { frameTimes, makeVideoEpisode } from '../models/builder/video-episodes.ts';

test('a 3 s clip under the default sampling: 30 frames at 3 FPS, cut to 8, are mostly edge repeats', () => {
  // Decoded at 3 FPS: 9 frames at 0, 1/3, ..., 8/3 s; the 30 centred times clamp to frames 0 and 8 at both ends; the
  // even subset of 8 takes sampled frames 1, 5, 9, 13, 16, 20, 24, 28 = decoded 0, 0, 0, 3, 6, 8, 8, 8; each shows the
  // 8 FPS source frame on screen then (8/3 s -> frame 21 = 2.625 s).
  assert.deepEqual(frameTimes({ ...FLAMINGO_SAMPLING }, 3, 8), [0, 0, 0, 1, 2, 2.625, 2.625, 2.625]);
});

test('uniform sampling gives distinct, increasing times, and never more frames than the time embeddings cover', () => {
  const times = frameTimes({ mode: 'uniform', frames: 8 }, 4, 8);
  assert.equal(times.length, 8);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!, `times ${times.join(', ')}`);
  assert.equal(frameTimes({ mode: 'uniform', frames: 12 }, 4, 8).length, 8);
});

test('a motion question names the side the object heads to, and the object never bounces during the clip', () => {
  let checked = 0;
  for (let i = 0; i < 200 && checked < 40; i++) {
    for (const chunk of makeVideoEpisode(i, { seed: 3 }).chunks) {
      if (!chunk.motion) continue;
      checked++;
      const [, colour, shape] = /the (\w+) (\w+) going/i.exec(chunk.text)!;
      const named = chunk.scene.objects.filter((x) => x.colour === colour && x.shape === shape);
      assert.equal(named.length, 1, `one ${colour} ${shape} in ${JSON.stringify(chunk.scene.objects)}`);
      const o = named[0]!;
      const start = sceneAt(chunk.scene, 0).objects.find((x) => x.shape === o.shape && x.colour === o.colour)!;
      const end = sceneAt(chunk.scene, Math.max(...chunk.times)).objects.find((x) => x.shape === o.shape && x.colour === o.colour)!;
      const moved = { left: start.x - end.x, right: end.x - start.x, top: start.y - end.y, bottom: end.y - start.y };
      assert.ok(moved[chunk.answer as keyof typeof moved] > 0.05, `${chunk.answer}: ${JSON.stringify({ start, end })}`);
      // Along its axis the object keeps going one way at every frame (a bounce would turn it back).
      const axis = chunk.answer === 'left' || chunk.answer === 'right' ? 'x' : 'y';
      const sign = chunk.answer === 'left' || chunk.answer === 'top' ? -1 : 1;
      const path = chunk.times.map((t) => sceneAt(chunk.scene, t).objects.find((x) => x.shape === o.shape && x.colour === o.colour)![axis]);
      for (let k = 1; k < path.length; k++) assert.ok(sign * (path[k]! - path[k - 1]!) >= 0, `${chunk.answer}: ${path.join(', ')}`);
      assert.ok(Math.min(...path) >= SIZES[o.size] - 1e-3 && Math.max(...path) <= 1 - SIZES[o.size] + 1e-3, path.join(', '));
    }
  }
  assert.ok(checked >= 40, `only ${checked} motion questions`);
});
