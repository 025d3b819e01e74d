// VQAv2 and OK-VQA examples: the questions of a VQA questions file (src/readers/vqa.ts), with the answers of its
// annotations when it has them, about the COCO images of one folder.
import type { Example } from '../../core/types.ts';
import { readVqaQuestions } from '../../readers/vqa.ts';
import { cocoImageFile } from './coco-images.ts';
import type { ImageFolder, MissingImages } from './images.ts';

/** The questions as examples; the questions about one image form a group. */
export async function cocoVqaExamples(
  questionsFile: string,
  annotationsFile: string | undefined,
  images: ImageFolder,
  missing: MissingImages,
): Promise<Example<string[]>[]> {
  const questions = await readVqaQuestions(questionsFile, annotationsFile);
  return questions.map((q) => {
    const answers = q.answers ?? [];
    const example: Example<string[]> = {
      id: q.questionId,
      group: String(q.imageId),
      media: [images.image(cocoImageFile(images.name, q.imageId), missing, () => `${q.where()}.image_id`)],
      fields: { question: q.question },
      // open_flamingo shows the first listed answer in demonstrations (test questions are never demonstrations).
      target: answers[0] ?? '',
      reference: answers,
    };
    if (q.answerType !== undefined) example.type = q.answerType;
    return example;
  });
}
