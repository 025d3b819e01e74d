import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rename, rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { parseVatexId, vatex } from '../src/tasks/vatex.ts';
import { scoreCaptions } from '../src/metrics/caption.ts';
import { baselineRecord, decodeFirstQuery, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

test('the built-in sample: ten English captions per clip, the public test set is the query', async () => {
  const data = await vatex.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 8);
  assert.equal(data.query.length, 5);
  for (const example of [...data.support, ...data.query]) {
    assert.equal((example.reference as string[]).length, 10);
    assert.equal(example.target, (example.reference as string[])[0]);
    assert.equal((example.media[0] as VideoRef).path.split('/').pop(), `${example.id}.mp4`);
    assert.equal(example.group, parseVatexId(example.id)!.youtubeId);
  }
  assert.deepEqual(data.files.map((f) => f.role), ['train captions', 'test captions']);
  assert.equal(vatex.protocolQuerySize, 1024);
  assert.deepEqual(vatex.generation, { maxNewTokens: 20, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal((await vatex.load({ split: 'val' })).query.length, 2);
  await loadRejects(vatex, { split: 'private' }, UsageError, '--split private');
});

test('videoID parsing: the YouTube id keeps its underscores', () => {
  assert.deepEqual(parseVatexId('Ptf_2VRj-V0_000122_000132'), { youtubeId: 'Ptf_2VRj-V0', start: 122, end: 132 });
  assert.equal(parseVatexId('no-times'), undefined);
});

test('the caption prompt and CIDEr-D over the scored clips', async () => {
  const { query } = await vatex.load({});
  const example = query[0]!;
  assert.equal(textOf(vatex.templates.paper!.query(example)), 'Output:');
  assert.equal(textOf(vatex.templates.paper!.demonstration({ example, withMedia: true })), `Output: ${example.target}`);
  assert.equal(textOf(vatex.templates.openflamingo!.demonstration({ example, withMedia: true })), `Output:${example.target}`);
  assert.equal(vatex.postprocess(' a red circle "moving" Output: x'), 'a red circle moving');
  const items = query.map((e: Example, i) => ({ example: e, answer: i % 2 === 0 ? e.target : 'a blue square' }));
  const score = vatex.score(items);
  const expected = scoreCaptions(items.map((i) => ({ id: i.example.id, prediction: i.answer, references: i.example.reference as string[] })));
  assert.equal(score.primary, 'cider');
  assert.equal(score.metrics.cider, expected.scores.cider);
});

test('a whole YouTube video is read from the clip times in its videoID', async () => {
  await withCopy('vatex', async (data) => {
    const loaded = await vatex.load({ dataDir: data.dir });
    const first = loaded.query[0]!;
    const parts = parseVatexId(first.id)!;
    await rename((first.media[0] as VideoRef).path, data.path(`videos/${parts.youtubeId}.mp4`));
    const video = (await vatex.load({ dataDir: data.dir })).query.find((e) => e.id === first.id)!.media[0] as VideoRef;
    assert.ok(video.path.endsWith(`/${parts.youtubeId}.mp4`));
    assert.deepEqual([video.start, video.end], [parts.start, parts.end]);
  });
});

test('errors: missing file, bad videoID, no captions, duplicate clip, no videos', async () => {
  await withCopy('vatex', async (data) => {
    await rm(data.path('vatex_public_test_english_v1.1.json'));
    await loadRejects(vatex, { dataDir: data.dir }, InputError, 'vatex_public_test_english_v1.1.json', 'not found', 'vatex-website');
  });
  await withCopy('vatex', async (data) => {
    const entries = await data.readJson('vatex_training_v1.0.json');
    entries[3].videoID = 'just-an-id';
    await data.writeJson('vatex_training_v1.0.json', entries);
    await loadRejects(vatex, { dataDir: data.dir }, InputError, 'vatex_training_v1.0.json: [3].videoID: expected "<youtube id>_<start>_<end>"');
  });
  await withCopy('vatex', async (data) => {
    const entries = await data.readJson('vatex_public_test_english_v1.1.json');
    entries[1].enCap = [];
    await data.writeJson('vatex_public_test_english_v1.1.json', entries);
    await loadRejects(vatex, { dataDir: data.dir }, InputError, 'vatex_public_test_english_v1.1.json: [1].enCap: no captions');
  });
  await withCopy('vatex', async (data) => {
    const entries = await data.readJson('vatex_public_test_english_v1.1.json');
    entries.push(entries[0]);
    await data.writeJson('vatex_public_test_english_v1.1.json', entries);
    await loadRejects(vatex, { dataDir: data.dir }, InputError, '[5].videoID', 'listed twice');
  });
  await withCopy('vatex', async (data) => {
    await rm(data.path('videos'), { recursive: true });
    await loadRejects(vatex, { dataDir: data.dir }, InputError, "no video of the task's 13 items");
  });
});

test('runs end to end on the sample with the baseline; a sample clip decodes', async () => {
  const record = await baselineRecord('vatex', 2);
  assert.equal(record.trials[0]!.n, 5);
  assert.equal(record.summary.primary, 'cider');
  const { frames } = await decodeFirstQuery(vatex);
  assert.equal(frames.frames.length, 30);
});
