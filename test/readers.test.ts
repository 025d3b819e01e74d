// The reader layer (src/readers/): one reader per format, shared by the tasks and `flamingo-eval score`, below both.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv, readCsvHeader } from '../src/readers/csv.ts';
import { readMemes } from '../src/readers/hateful-memes.ts';
import { readVqaAnnotations, readVqaQuestions } from '../src/readers/vqa.ts';
import { loadVqa } from '../src/score/vqa.ts';
import { loadHatefulMemes } from '../src/score/hateful-memes.ts';
import { hatefulmemes } from '../src/tasks/hatefulmemes.ts';
import { okvqa } from '../src/tasks/okvqa.ts';
import { InputError } from '../src/core/errors.ts';

const scratch = mkdtempSync(join(tmpdir(), 'readers-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};
const sample = (task: string, name: string) => join(import.meta.dirname, '..', 'sample-data', task, name);
const rows = (path: string, required: string[] = []) => readCsv(path, required).map(({ line, values }) => ({ line, values }));

test('CSV as Python\'s csv module writes it: CRLF, a line break and doubled quotes inside quoted fields', () => {
  // csv.writer(f).writerows([["id", "question"], [1, "line one\nline two"], [2, 'say "hi", then go'], [3, "plain"]])
  // with a file opened with newline="": rows end with CRLF, the line break inside the field is kept.
  const path = file('python.csv', 'id,question\r\n1,"line one\nline two"\r\n2,"say ""hi"", then go"\r\n3,plain\r\n');
  assert.deepEqual(rows(path, ['question']), [
    { line: 2, values: { id: '1', question: 'line one\nline two' } },
    { line: 4, values: { id: '2', question: 'say "hi", then go' } },
    { line: 5, values: { id: '3', question: 'plain' } },
  ]);
  // A CRLF inside a quoted field (a file opened without newline="" on Windows) reads as LF.
  assert.deepEqual(rows(file('crlf.csv', 'id,question\r\n1,"a\r\n\r\nb"\r\n2,c\r\n')), [
    { line: 2, values: { id: '1', question: 'a\n\nb' } },
    { line: 5, values: { id: '2', question: 'c' } },
  ]);
});

test('CSV: a byte-order mark, blank lines, a quote inside an unquoted field, a quoted header', () => {
  const path = file('bom.csv', '\ufeff"id","noun"\n\n1,6" sub\n\n2,egg');
  assert.deepEqual(rows(path, ['id', 'noun']), [
    { line: 3, values: { id: '1', noun: '6" sub' } },
    { line: 5, values: { id: '2', noun: 'egg' } },
  ]);
  assert.deepEqual(readCsvHeader(path), ['id', 'noun']);
  assert.deepEqual(readCsvHeader(file('header.csv', 'a,"b, c",d\r\n1,2,3\r\n')), ['a', 'b, c', 'd']);
  assert.deepEqual(readCsvHeader(file('empty-header.csv', '')), []);
});

test('CSV errors name the file and the line: an unterminated quote, a wrong number of fields, a missing column', () => {
  const unterminated = file('open.csv', 'id,question\n1,"fine\nstill fine"\n\n2,"never closed\n3,more\n4,rows\n');
  assert.throws(() => readCsv(unterminated, []), (error: Error) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.message, `${unterminated}: line 5: unterminated quoted field (its closing quote is missing)`);
    return true;
  });
  assert.throws(() => readCsv(file('count.csv', 'id,question\n1,"a\nb",extra\n'), []), /count\.csv: line 2: expected 2 fields as in the header, found 3/);
  assert.throws(() => readCsv(file('cols.csv', 'id,question\n1,a\n'), ['id', 'answer', 'type']), /cols\.csv: line 1: the header lacks columns "answer", "type"/);
  assert.throws(() => readCsv(file('blank.csv', '\n\n'), []), /blank\.csv: the file is empty/);
  assert.throws(() => readCsv(join(scratch, 'absent.csv'), []), /absent\.csv: cannot read the file \(no such file\)/);
  const row = readCsv(file('typed.csv', 'id,start\n"a\nb",x\n'), [])[0]!;
  assert.throws(() => row.number('start'), /typed\.csv:2 column "start": expected a number, found "x"/);
});

test('one VQA annotations reader: score and the task read the same answers and word an error the same', async () => {
  const annotationsFile = sample('okvqa', 'mscoco_val2014_annotations.json');
  const questionsFile = sample('okvqa', 'OpenEnded_mscoco_val2014_questions.json');
  const questions = await readVqaQuestions(questionsFile, annotationsFile);
  const predictions = file('okvqa-results.json', JSON.stringify(questions.map((q) => ({ question_id: Number(q.questionId), answer: 'x' }))));
  const scored = await loadVqa(predictions, annotationsFile);
  assert.deepEqual(
    scored.map((item) => [item.id, item.answers, item.type]),
    questions.map((q) => [q.questionId, q.answers, q.answerType]),
  );
  const task = await okvqa.load({ dataDir: join(import.meta.dirname, '..', 'sample-data', 'okvqa') });
  assert.deepEqual(
    task.query.map((e) => [e.id, e.reference]),
    questions.map((q) => [q.questionId, q.answers]),
  );

  const annotations = JSON.parse(readFileSync(annotationsFile, 'utf8'));
  annotations.annotations.push({ ...annotations.annotations[1] });
  const twice = file('mscoco_val2014_annotations.json', JSON.stringify(annotations));
  const n = annotations.annotations.length - 1;
  const message = `${twice}: annotations[${n}].question_id: question_id ${annotations.annotations[1].question_id} is annotated twice (first at annotations[1])`;
  await assert.rejects(readVqaAnnotations(twice), { name: 'InputError', message });
  await assert.rejects(loadVqa(predictions, twice), { name: 'InputError', message });
  await assert.rejects(readVqaQuestions(questionsFile, twice), { name: 'InputError', message });

  annotations.annotations.pop();
  const big = file('big.json', JSON.stringify(annotations).replace(`"question_id":${annotations.annotations[4].question_id},`, '"question_id":12345678901234567890,'));
  await assert.rejects(readVqaAnnotations(big), { message: /big\.json: annotations\[4\]\.question_id: the id .* too large to be read exactly/ });
  annotations.annotations[2].answers[3] = { answer: 7 };
  const typed = file('typed.json', JSON.stringify(annotations));
  await assert.rejects(loadVqa(predictions, typed), { message: `${typed}: annotations[2].answers[3].answer: expected a string, found the number 7` });
  await assert.rejects(readVqaQuestions(questionsFile, typed), { message: `${typed}: annotations[2].answers[3].answer: expected a string, found the number 7` });
});

test('one Hateful Memes reader: score and the task read the same labels and word an error the same', async () => {
  const testSeen = sample('hatefulmemes', 'test_seen.jsonl');
  const memes = await readMemes(testSeen);
  const predictions = file('hm.json', JSON.stringify(memes.map((m, i) => ({ id: Number(m.id), proba: i / memes.length }))));
  const scored = await loadHatefulMemes(predictions, testSeen);
  assert.deepEqual(scored.map((item) => [item.id, item.label]), memes.map((m) => [m.id, m.label]));
  const task = await hatefulmemes.load({});
  assert.deepEqual(task.query.map((e) => [e.id, e.reference]), memes.map((m) => [m.id, m.label]));

  const lines = readFileSync(testSeen, 'utf8').trim().split('\n');
  const bad = file('bad.jsonl', [...lines.slice(0, 3), lines[3]!.replace(/"label": ?[01]/, '"label": 3'), ...lines.slice(4)].join('\r\n'));
  const message = `${bad}:4: label: expected 0 or 1, found 3`;
  await assert.rejects(readMemes(bad), { message });
  await assert.rejects(loadHatefulMemes(predictions, bad), { message });
});

test('readers/ imports nothing from the layers above it (tasks, run, score, commands, ...)', () => {
  const dir = join(import.meta.dirname, '..', 'src', 'readers');
  const up = /from '\.\.\/(tasks|run|score|commands|backends|leaderboard|plot|report|paper|media)\//;
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const line of text.split('\n').filter((l) => /^import|^export .* from/.test(l))) assert.doesNotMatch(line, up, `${name}: ${line}`);
  }
});
