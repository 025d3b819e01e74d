// What the video captioning tasks share (VATEX, YouCook2): the paper's "Output: {caption}" prompt with the video in
// place of the image, open_flamingo's captioning decoding (beam 3, 20 new tokens) and post-processing, and CIDEr-D
// (with BLEU and ROUGE-L from the same tokenization) over the references of the scored items.
import type { Task } from '../../core/types.ts';
import { CAPTION_GENERATION } from './generation.ts';
import { postprocessCaption, sameCaption } from './postprocess.ts';
import { scoreCaptionItems } from './task-score.ts';
import { captionTemplates } from './templates.ts';

/** What a video captioning task says about its dataset; the rest is the family's. */
export type VideoCaptionSpec = Pick<Task, 'id' | 'title' | 'splits' | 'files' | 'protocolQuerySize' | 'load'>;

/** A video captioning task; examples carry their reference captions (string[]). */
export function videoCaptionTask(spec: VideoCaptionSpec): Task {
  const task: Task = {
    id: spec.id,
    title: spec.title,
    modality: 'video',
    kind: 'generate',
    splits: spec.splits,
    files: spec.files,
    templates: captionTemplates,
    generation: CAPTION_GENERATION,
    postprocess: postprocessCaption,
    normalizeAnswer: sameCaption,
    metric: 'cider',
    load: spec.load,
    score: scoreCaptionItems,
  };
  if (spec.protocolQuerySize !== undefined) task.protocolQuerySize = spec.protocolQuerySize;
  return task;
}
