// How long loading the real-size COCO and OK-VQA files takes: builds a synthetic copy of the official layouts at full
// size (Karpathy 123,287 images x 5 sentences, 202k val2014 captions, 82,783 + 40,504 empty image files, OK-VQA
// 9,009 + 5,046 questions) in a temporary folder, then times each task's load (file search, JSON parsing, image
// checks, file hashes). Run: node --import tsx bench/tasks-load.ts
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coco } from '../src/tasks/coco.ts';
import { okvqa } from '../src/tasks/okvqa.ts';
import { clearFileIndex } from '../src/core/data-files.ts';

const root = await mkdtemp(join(tmpdir(), 'bench-tasks-load-'));
process.env.FLAMINGO_EVAL_CACHE = join(root, 'cache');
const name = (folder: string, id: number) => `COCO_${folder}_${String(id).padStart(12, '0')}.jpg`;

try {
  const started = Date.now();
  const folders = { train2014: 82783, val2014: 40504 };
  const ids: Record<string, number[]> = {};
  for (const [folder, count] of Object.entries(folders)) {
    await mkdir(join(root, 'coco', folder), { recursive: true });
    ids[folder] = Array.from({ length: count }, (_, i) => (folder === 'train2014' ? 1 : 1_000_000) + i * 3);
    for (const id of ids[folder]!) await writeFile(join(root, 'coco', folder, name(folder, id)), '');
  }
  const sentence = 'a man riding a wave on top of a surfboard';
  const images = [];
  let imgid = 0;
  for (const [folder, list] of Object.entries(ids)) {
    for (const [i, cocoid] of list.entries()) {
      const split = folder === 'train2014' ? 'train' : i < 5000 ? 'test' : i < 10000 ? 'val' : 'restval';
      const sentences = Array.from({ length: 5 }, (_, k) => ({ tokens: sentence.split(' '), raw: `${sentence} ${k}`, imgid, sentid: imgid * 5 + k }));
      images.push({ filepath: folder, sentids: sentences.map((s) => s.sentid), filename: name(folder, cocoid), imgid: imgid++, split, sentences, cocoid });
    }
  }
  await mkdir(join(root, 'coco', 'annotations'), { recursive: true });
  await writeFile(join(root, 'coco', 'dataset_coco.json'), JSON.stringify({ images, dataset: 'coco' }));
  const captions = ids.val2014!.flatMap((id, i) => Array.from({ length: 5 }, (_, k) => ({ image_id: id, id: i * 5 + k, caption: `${sentence} ${k}` })));
  await writeFile(join(root, 'coco', 'annotations', 'captions_val2014.json'), JSON.stringify({ images: [], annotations: captions }));
  for (const [folder, count] of [['train2014', 9009], ['val2014', 5046]] as const) {
    const questions = ids[folder]!.slice(0, count).map((id) => ({ image_id: id, question: 'What sport can you use this for?', question_id: id * 10 }));
    const five = ['surfing', 'surf', 'surfing', 'wave', 'surfing'].map((answer, j) => ({ answer_id: j + 1, raw_answer: answer, answer_confidence: 'yes', answer }));
    const annotations = questions.map((q) => ({ image_id: q.image_id, answer_type: 'other', question_type: 'eight', question_id: q.question_id, answers: [...five, ...five], confidence: 3 }));
    await writeFile(join(root, `OpenEnded_mscoco_${folder}_questions.json`), JSON.stringify({ questions }));
    await writeFile(join(root, `mscoco_${folder}_annotations.json`), JSON.stringify({ annotations }));
  }
  console.log(`built the synthetic layout in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  for (const task of [okvqa, coco]) {
    for (const pass of ['first', 'second']) {
      clearFileIndex();
      const t0 = process.hrtime.bigint();
      const data = await task.load({ dataDir: root });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(`${task.id} load (${pass}): ${ms.toFixed(0)} ms, ${data.support.length} support, ${data.query.length} query`);
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
