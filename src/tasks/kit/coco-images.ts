// COCO 2014's image folders, which COCO captioning, OK-VQA and VQAv2 all read (found by name under --data).
import { officialFile } from './official-files.ts';

export const COCO_TRAIN2014 = officialFile('train2014', 'COCO 2014 training images (folder)', 'http://images.cocodataset.org/zips/train2014.zip');
export const COCO_VAL2014 = officialFile('val2014', 'COCO 2014 validation images (folder)', 'http://images.cocodataset.org/zips/val2014.zip');

/** COCO's image file name: `COCO_val2014_000000000042.jpg`. */
export function cocoImageFile(folder: string, imageId: number): string {
  return `COCO_${folder}_${String(imageId).padStart(12, '0')}.jpg`;
}
