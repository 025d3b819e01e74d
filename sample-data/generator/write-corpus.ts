// Writes a training corpus: node --import tsx sample-data/generator/write-corpus.ts --out <dir> --episodes N
//   [--seed S] [--size 64] [--start 0] [--min-chunks 1] [--max-chunks 8] [--text-style paper|openflamingo|mixed]
import { parseArgs } from 'node:util';
import { writeCorpus } from './corpus.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    episodes: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '0' },
    size: { type: 'string', default: '64' },
    start: { type: 'string', default: '0' },
    'min-chunks': { type: 'string', default: '1' },
    'max-chunks': { type: 'string', default: '8' },
    'text-style': { type: 'string', default: 'mixed' },
  },
});
if (!values.out) {
  console.error('write-corpus: --out <dir> is required');
  process.exit(2);
}
const style = values['text-style'];
if (style !== 'paper' && style !== 'openflamingo' && style !== 'mixed') {
  console.error(`write-corpus: --text-style must be paper, openflamingo or mixed (got "${style}")`);
  process.exit(2);
}
const started = Date.now();
const result = await writeCorpus(values.out, Number(values.episodes), {
  seed: Number(values.seed),
  imageSize: Number(values.size),
  start: Number(values.start),
  minChunks: Number(values['min-chunks']),
  maxChunks: Number(values['max-chunks']),
  textStyle: style,
});
console.log(
  `wrote ${result.episodes} episodes, ${result.images} images to ${values.out} (${result.file}) in ${Date.now() - started} ms`,
);
