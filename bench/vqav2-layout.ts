// A synthetic full-size copy of VQAv2's official layout, shared by the VQAv2 loading benchmarks: the four
// v2_*_mscoco_{train,val}2014 JSON files (443,757 train and 214,354 val questions, ten answers each, as the official
// files shape them) and 82,783 + 40,504 empty COCO image files under coco/{train2014,val2014}/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SPLITS = { train2014: { images: 82783, questions: 443757 }, val2014: { images: 40504, questions: 214354 } };
const ANSWERS = ['yes', 'yes', 'yes', 'no', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes'];
const imageName = (folder: string, id: number) => `COCO_${folder}_${String(id).padStart(12, '0')}.jpg`;

/** Writes the layout under `root`. */
export async function writeVqav2Layout(root: string): Promise<void> {
  for (const [folder, size] of Object.entries(SPLITS)) {
    await mkdir(join(root, 'coco', folder), { recursive: true });
    const ids = Array.from({ length: size.images }, (_, i) => (folder === 'train2014' ? 1 : 1_000_000) + i * 3);
    for (const id of ids) await writeFile(join(root, 'coco', folder, imageName(folder, id)), '');
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
}
