// The built-in tasks by id (docs/datasets.md). A new task is one module in src/tasks/ and one line here.
import type { Task } from '../core/types.ts';
import { coco } from './coco.ts';
import { flickr30k } from './flickr30k.ts';
import { okvqa } from './okvqa.ts';
import { textvqa } from './textvqa.ts';
import { vizwiz } from './vizwiz.ts';
import { vqav2 } from './vqav2.ts';
import { hatefulmemes } from './hatefulmemes.ts';
import { imagenet } from './imagenet.ts';
import { visdial } from './visdial.ts';
import { msvdqa } from './msvdqa.ts';
import { msrvttqa } from './msrvttqa.ts';
import { vatex } from './vatex.ts';
import { youcook2 } from './youcook2.ts';
import { ivqa } from './ivqa.ts';
import { rareact } from './rareact.ts';
import { nextqa } from './nextqa.ts';
import { star } from './star.ts';
import { kinetics700 } from './kinetics700.ts';

export const builtinTasks: Record<string, Task> = {
  [coco.id]: coco,
  [okvqa.id]: okvqa,
  [vqav2.id]: vqav2,
  [flickr30k.id]: flickr30k,
  [vizwiz.id]: vizwiz,
  [textvqa.id]: textvqa,
  [visdial.id]: visdial,
  [hatefulmemes.id]: hatefulmemes,
  [imagenet.id]: imagenet,
  [msvdqa.id]: msvdqa,
  [msrvttqa.id]: msrvttqa,
  [vatex.id]: vatex,
  [youcook2.id]: youcook2,
  [ivqa.id]: ivqa,
  [rareact.id]: rareact,
  [nextqa.id]: nextqa,
  [star.id]: star,
  [kinetics700.id]: kinetics700,
};
