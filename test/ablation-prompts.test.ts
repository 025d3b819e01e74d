// Each ablation's prompt against its definition, part by part (src/run/ablation.ts), on the paper's QA templates,
// and through planTrials: the demonstrations chosen stay the plain run's, one thing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABLATIONS, ablatePrompt, ablationRefusal, cyclicPermutation, parseAblations } from '../src/run/ablation.ts';
import { buildPrompt } from '../src/run/prompt.ts';
import { planTrials } from '../src/run/plan.ts';
import { rngFor } from '../src/core/random.ts';
import { qaTemplates } from '../src/tasks/kit/templates.ts';
import type { Example, Prompt, Shot } from '../src/core/types.ts';
import { fakeTask } from './support/fake-task.ts';

const templates = qaTemplates.paper!;

function example(i: number): Example {
  return {
    id: `ex${i}`,
    media: [{ kind: 'image', id: `img${i}`, path: `/x/${i}.jpg` }],
    fields: { question: `q${i}?` },
    target: `a${i}`,
    reference: [`a${i}`],
  };
}

const pool = Array.from({ length: 12 }, (_, i) => example(i));
const query = example(99);
const shots: Shot[] = [1, 2, 3, 4].map((i) => ({ example: pool[i]!, withMedia: true }));
const context = { seed: 42, taskId: 'okvqa', shots: 4, eligible: pool };

/** The prompt as a list of readable parts: `<img3>`, the text, `<EOC>`. */
function parts(prompt: Prompt): string[] {
  return prompt.map((part) => (part.type === 'media' ? `<${part.media.id}>` : part.type === 'text' ? part.text : '<EOC>'));
}

const plain = parts(buildPrompt(templates, shots, query));

test('the plain prompt, for reference', () => {
  assert.deepEqual(plain, [
    '<img1>', 'Question: q1? Answer: a1', '<EOC>',
    '<img2>', 'Question: q2? Answer: a2', '<EOC>',
    '<img3>', 'Question: q3? Answer: a3', '<EOC>',
    '<img4>', 'Question: q4? Answer: a4', '<EOC>',
    '<img99>', 'Question: q99? Answer:',
  ]);
});

function ablated(name: (typeof ABLATIONS)[number]): string[] {
  const out = ablatePrompt(name, shots, query, context);
  return parts(buildPrompt(templates, out.shots, out.query));
}

test('demo-media: every demonstration image removed, all text and the query unchanged', () => {
  assert.deepEqual(ablated('demo-media'), plain.filter((part) => !/^<img[1-4]>$/.test(part)));
});

test('query-media: only the query image removed', () => {
  assert.deepEqual(ablated('query-media'), plain.filter((part) => part !== '<img99>'));
});

test('shuffled-answers: each demonstration shows another demonstration\'s answer; images, questions and query unchanged', () => {
  const prompt = ablated('shuffled-answers');
  assert.equal(prompt.length, plain.length);
  const answers: string[] = [];
  prompt.forEach((part, i) => {
    const match = /^Question: q(\d)\? Answer: (a\d)$/.exec(part);
    if (!match) return assert.equal(part, plain[i]);
    assert.equal(plain[i]!.startsWith(`Question: q${match[1]}? Answer: `), true, 'same question in the same place');
    assert.notEqual(match[2], `a${match[1]}`, 'no demonstration keeps its own answer');
    answers.push(match[2]!);
  });
  assert.deepEqual(answers.slice().sort(), ['a1', 'a2', 'a3', 'a4'], 'a permutation of the same answers');
  // Seeded by the query, as the demonstrations are: the same key gives the same prompt, another query another one.
  assert.deepEqual(ablated('shuffled-answers'), prompt);
  const perms = new Set(
    Array.from({ length: 20 }, (_, i) => {
      const out = ablatePrompt('shuffled-answers', shots, { ...query, id: `other${i}` }, context);
      return out.shots.map((shot) => shot.example.target).join(',');
    }),
  );
  assert.ok(perms.size > 1, 'the permutation depends on the query');
});

test('foreign-demo-media: each demonstration shows another pool item\'s image, never a demonstration\'s or the query\'s', () => {
  const prompt = ablated('foreign-demo-media');
  assert.equal(prompt.length, plain.length);
  const images: string[] = [];
  prompt.forEach((part, i) => {
    if (i >= 12) return assert.equal(part, plain[i]);
    if (/^<img/.test(plain[i]!)) {
      assert.match(part, /^<img\d+>$/);
      images.push(part);
    } else assert.equal(part, plain[i], 'text and end of chunk unchanged');
  });
  assert.equal(new Set(images).size, 4, 'four different images');
  for (const image of images) assert.ok(!['<img1>', '<img2>', '<img3>', '<img4>', '<img99>'].includes(image), image);
  assert.deepEqual(ablated('foreign-demo-media'), prompt, 'seeded');
  const otherSeed = ablatePrompt('foreign-demo-media', shots, query, { ...context, seed: 43 });
  assert.notDeepEqual(parts(buildPrompt(templates, otherSeed.shots, otherSeed.query)), prompt);
});

test('foreign-demo-media with too few other pool items: other demonstrations\' images, never a demonstration\'s own', () => {
  const small = ablatePrompt('foreign-demo-media', shots, query, { ...context, eligible: pool.slice(0, 6) });
  const shown = small.shots.map((shot) => shot.example.media[0]!.id);
  shown.forEach((image, i) => assert.notEqual(image, `img${i + 1}`));
  assert.equal(new Set(shown).size, 4);
  assert.equal(shown.filter((image) => ['img0', 'img5'].includes(image)).length, 2, 'both items outside the prompt used first');
  const alone = [{ example: pool[1]!, withMedia: true }];
  assert.throws(
    () => ablatePrompt('foreign-demo-media', alone, query, { ...context, eligible: [pool[1]!] }),
    /foreign-demo-media: query ex99 of task okvqa has no support item with other media than its demonstration ex1 .*--support-size/,
  );
});

test('a cyclic permutation moves every item', () => {
  for (let n = 2; n <= 8; n++) {
    for (let k = 0; k < 20; k++) {
      const order = cyclicPermutation(n, rngFor('t', n, k));
      assert.deepEqual(order.slice().sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      order.forEach((to, i) => assert.notEqual(to, i));
    }
  }
});

test('meaningless ablations are refused with the reason; parsing names the bad name', () => {
  assert.match(ablationRefusal('shuffled-answers', 0)!, /shuffled-answers at 0 shots: permuting answers needs at least 2 demonstrations/);
  assert.match(ablationRefusal('shuffled-answers', 1)!, /at 1 shot: /);
  assert.match(ablationRefusal('demo-media', 0)!, /demo-media at 0 shots: a 0-shot prompt shows no demonstration media/);
  assert.match(ablationRefusal('foreign-demo-media', 0)!, /foreign-demo-media at 0 shots/);
  assert.equal(ablationRefusal('query-media', 0), undefined);
  assert.equal(ablationRefusal('shuffled-answers', 2), undefined);
  assert.deepEqual(parseAblations('demo-media, query-media'), ['demo-media', 'query-media']);
  assert.deepEqual(parseAblations('none,shuffled-answers'), [null, 'shuffled-answers']);
  assert.throws(() => parseAblations('demo-media,'), /--ablation demo-media,: give one or more of none, demo-media/);
  assert.throws(() => parseAblations('demo-images'), /--ablation demo-images: unknown ablation; the ablations are demo-media, query-media/);
  assert.throws(() => parseAblations('demo-media,demo-media'), /named twice/);
});

test('planTrials: an ablation keeps the plain run\'s demonstrations and queries and changes only the prompt', async () => {
  const task = fakeTask();
  const data = await task.load({});
  const input = { task, support: data.support, queries: data.query.slice(0, 6), shots: 4, seeds: [42], supportSize: 30, zeroShotTextDemos: 2, templates: task.templates.paper! };
  const [plainPlan] = await planTrials(input);
  for (const ablation of ABLATIONS) {
    const [plan] = await planTrials({ ...input, ablation });
    plan!.queries.forEach((q, i) => {
      const p = plainPlan!.queries[i]!;
      assert.equal(q.example, p.example, 'the scored example is the plain one');
      assert.deepEqual(q.shots.map((s) => s.example.id), p.shots.map((s) => s.example.id), `${ablation}: same demonstrations`);
      assert.notDeepEqual(q.prompt, p.prompt, `${ablation}: another prompt`);
    });
  }
  await assert.rejects(planTrials({ ...input, shots: 0, ablation: 'shuffled-answers' }), /shuffled-answers at 0 shots/);
});
