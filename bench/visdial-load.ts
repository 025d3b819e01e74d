// Loading VisDial at the real train file's shape: a synthetic `visdial_1.0_train.json` of N dialogues (ten rounds of
// 100 answer options each, indices as large as the real file's, so about 9 KB per dialogue: the real 123,287 dialogues
// make ~1.1 GB) beside the sample's val files, with empty image files. Reports the load time and throughput.
//   node --import tsx bench/visdial-load.ts [--dialogues 12000]
import { cp, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rngFor } from '../src/core/random.ts';
import { sampleDataDir } from '../src/core/sample-data.ts';
import { visdial } from '../src/tasks/visdial.ts';
import { cocoImageFile } from '../src/tasks/kit/coco-images.ts';

const { values } = parseArgs({ options: { dialogues: { type: 'string', default: '12000' } } });
const count = Number(values.dialogues);
const dir = await mkdtemp(join(tmpdir(), 'visdial-bench-'));
try {
  await cp(sampleDataDir('visdial'), dir, { recursive: true });
  const rng = rngFor('visdial-bench');
  const index = (n: number) => Math.floor(rng() * n);
  const file = await open(join(dir, 'visdial_1.0_train.json'), 'w');
  await file.write('{"version": "1.0", "split": "train", "data": {"dialogs": [');
  for (let i = 0; i < count; i++) {
    const imageId = 1_000_000 + i;
    const dialog = Array.from({ length: 10 }, () => ({
      answer: index(337_527),
      gt_index: index(100),
      question: index(376_082),
      answer_options: Array.from({ length: 100 }, () => index(337_527)),
    }));
    await file.write(`${i === 0 ? '' : ', '}${JSON.stringify({ image_id: imageId, caption: 'a man riding a horse down a dirt road', dialog })}`);
    const folder = i % 2 === 0 ? 'train2014' : 'val2014';
    await writeFile(join(dir, folder, cocoImageFile(folder, imageId)), '');
  }
  const words = (prefix: string, n: number) => JSON.stringify(Array.from({ length: n }, (_, k) => `${prefix} ${k}`));
  await file.write(`], "answers": ${words('answer', 337_527)}, "questions": ${words('question', 376_082)}}}`);
  await file.close();
  const bytes = (await stat(join(dir, 'visdial_1.0_train.json'))).size;

  const cpu = process.cpuUsage();
  const started = performance.now();
  const data = await visdial.load({ dataDir: dir });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(
    `${data.support.length} train dialogues (${(bytes / 2 ** 20).toFixed(0)} MiB of JSON), ${data.query.length} val rounds: ` +
      `${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU, ` +
      `${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
