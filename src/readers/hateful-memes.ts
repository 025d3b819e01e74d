// The Hateful Memes annotation files (train.jsonl, dev_seen.jsonl, test_seen.jsonl, ...), read here for both the task
// and `flamingo-eval score --metric roc_auc`: one meme a line, `{"id": 42953, "img": "img/42953.png", "label": 0,
// "text": "..."}`. The id and the label are checked here; the task also reads `img` and `text` through `field`.
import { Field, readJsonLines } from './json.ts';

export interface Meme {
  id: string;
  label: 0 | 1;
  /** The 1-based line of the meme in its file. */
  line: number;
  /** The meme's object, whose errors name the file and line ("test_seen.jsonl:12: img: ..."). */
  field: Field;
}

/** The memes of a JSONL file, in file order; a meme listed twice is an error naming both lines. */
export async function readMemes(file: string): Promise<Meme[]> {
  const { lines } = await readJsonLines(file);
  const firstLine = new Map<string, number>();
  return lines.map(({ line, data }) => {
    const meme = Field.root({ file: `${file}:${line}`, data });
    const idField = meme.get('id');
    const id = idField.id();
    const first = firstLine.get(id);
    if (first !== undefined) idField.fail(`meme ${id} is listed twice (first on line ${first})`);
    firstLine.set(id, line);
    const labelField = meme.get('label');
    const label = labelField.number();
    if (label !== 0 && label !== 1) labelField.fail(`expected 0 or 1, found ${label}`);
    return { id, label: label as 0 | 1, line, field: meme };
  });
}
