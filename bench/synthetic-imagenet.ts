// Not a benchmark: the in-memory ImageNet split that bench/imagenet-plan.ts and bench/imagenet-record-size.ts share
// (1000 classes with made-up wnids, no files behind the media paths).
import type { Example } from '../src/core/types.ts';
import type { ImagenetReference } from '../src/tasks/imagenet.ts';

export interface SyntheticImagenet {
  classes: string[];
  names: string[];
  /** `count` examples per class of the split `name` (train, val). */
  split(name: string, count: number): Example[];
}

export function syntheticImagenet(nameOf: (wnid: string, index: number) => string = (wnid) => `class ${wnid}`): SyntheticImagenet {
  const classes = Array.from({ length: 1000 }, (_, i) => `n${String(10_000_000 + i).padStart(8, '0')}`);
  const names = classes.map(nameOf);
  const split = (name: string, count: number): Example[] =>
    classes.flatMap((wnid, c) =>
      Array.from({ length: count }, (_, k): Example<ImagenetReference> => {
        const file = `${wnid}_${k}.JPEG`;
        return {
          id: `${name}_${wnid}_${k}`,
          media: [{ kind: 'image', id: `${name}/${wnid}/${file}`, path: `/data/imagenet/${name}/${wnid}/${file}` }],
          fields: {},
          target: names[c]!,
          reference: { wnid, classes },
          candidates: names,
        };
      }),
    );
  return { classes, names, split };
}
