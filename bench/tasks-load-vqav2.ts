// How long loading VQAv2 at full size takes: builds a synthetic copy of the official layout (443,757 train and
// 214,354 val questions with ten answers each, as in v2_*_mscoco_{train,val}2014 files, and 82,783 + 40,504 empty
// COCO image files) in a temporary folder, then times vqav2.load (file search, JSON parsing, pairing questions with
// annotations by question_id, image checks, file hashes) and reports the heap it used.
// Run: node --expose-gc --import tsx bench/tasks-load-vqav2.ts
//
// Measured on a 2-core x86-64 machine (AMD EPYC, Node 20): 300 MB train + 145 MB val annotations; load
// 22.6 s CPU (65 s wall) the first time, 31.1 s CPU (88 s wall) the second; heap +2.4 GB right after the first load.
// A CPU profile of reading the train files alone (8.3 s CPU) puts 36% in the garbage collector, 32% in JSON.parse
// and 11% in pairing questions with annotations: a faster traversal (reading answer strings without Field) measured
// no gain, so the loader stays as it is. Once per task per run, against hours of generation at this size.
// (Figures from before the VQA readers were rewritten; bench/vqav2-load-vs-python.ts has today's, beside Python's.)
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import { vqav2 } from '../src/tasks/vqav2.ts';

const root = await mkdtemp(join(tmpdir(), 'bench-vqav2-load-'));
process.env.FLAMINGO_EVAL_CACHE = join(root, 'cache');
const name = (folder: string, id: number) => `COCO_${folder}_${String(id).padStart(12, '0')}.jpg`;
const SPLITS = { train2014: { images: 82783, questions: 443757 }, val2014: { images: 40504, questions: 214354 } };
const ANSWERS = ['yes', 'yes', 'yes', 'no', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes'];

try {
  const started = Date.now();
  for (const [folder, size] of Object.entries(SPLITS)) {
    await mkdir(join(root, 'coco', folder), { recursive: true });
    const ids = Array.from({ length: size.images }, (_, i) => (folder === 'train2014' ? 1 : 1_000_000) + i * 3);
    for (const id of ids) await writeFile(join(root, 'coco', folder, name(folder, id)), '');
    const questions = [];
    const annotations = [];
    for (let k = 0; k < size.questions; k++) {
      const imageId = ids[k % ids.length]!;
      const questionId = imageId * 1000 + Math.floor(k / ids.length);
      questions.push({ image_id: imageId, question: 'Is the man wearing a hat?', question_id: questionId });
      annotations.push({
        question_type: 'is the man',
        multiple_choice_answer: 'yes',
        answers: ANSWERS.map((answer, j) => ({ answer, answer_confidence: 'yes', answer_id: j + 1 })),
        image_id: imageId,
        answer_type: 'yes/no',
        question_id: questionId,
      });
    }
    const meta = { info: {}, license: {}, data_subtype: folder, data_type: 'mscoco' };
    await writeFile(join(root, `v2_OpenEnded_mscoco_${folder}_questions.json`), JSON.stringify({ ...meta, task_type: 'Open-Ended', questions }));
    await writeFile(join(root, `v2_mscoco_${folder}_annotations.json`), JSON.stringify({ ...meta, annotations }));
  }
  const mb = async (file: string) => ((await stat(join(root, file))).size / 2 ** 20).toFixed(0);
  console.log(
    `built the synthetic layout in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(train annotations ${await mb('v2_mscoco_train2014_annotations.json')} MB, ` +
      `val annotations ${await mb('v2_mscoco_val2014_annotations.json')} MB)`,
  );

  for (const pass of ['first', 'second']) {
    clearFileIndex();
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const data = await vqav2.load({ dataDir: root });
    const ms = Number(process.hrtime.bigint() - wall) / 1e6;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(
      `vqav2 load (${pass}): ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, ` +
        `${data.support.length} support, ${data.query.length} query, heap +${heapMb.toFixed(0)} MB after load`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
