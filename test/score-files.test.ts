// The readers behind `flamingo-eval score` and the tasks: JSON error positions, CSV and .npy.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonErrorOffset, lineColumn, readJson, readJsonLines } from '../src/readers/json.ts';
import { readCsv } from '../src/readers/csv.ts';
import { readNpyMatrix } from '../src/readers/npy.ts';

const scratch = mkdtempSync(join(tmpdir(), 'score-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};

test('jsonErrorOffset finds where JSON.parse gives up', () => {
  for (const [text, offset] of [
    ['[1, 2,, 3]', 6], // the second comma
    ['{"a": 1 "b": 2}', 8], // a missing comma: the "b"
    ['[1, 2', 5], // ends too early
    ['{"a": tru}', 9], // a broken literal: where "true" and the text part
    ['"abc', 4],
    ['[1] x', 4], // trailing garbage
    ['{"a": "\\q"}', 8], // a bad escape
    ['[01]', 2], // a leading zero
  ] as [string, number][]) {
    assert.throws(() => JSON.parse(text));
    assert.equal(jsonErrorOffset(text), offset, text);
  }
  const valid = '{"a": [1, 2.5e3, -0, true, false, null, "\\u00e9"]}';
  assert.equal(jsonErrorOffset(valid), valid.length);
  assert.deepEqual(lineColumn('ab\ncd\nef', 7), { line: 3, column: 2 });
});

test('readJson accepts a byte-order mark and reports line and column of a syntax error', () => {
  assert.deepEqual(readJson(file('bom.json', '\ufeff[1]')), [1]);
  assert.throws(() => readJson(file('bad.json', '[\n  {"a": 1},\n  {"a": }\n]')), /bad\.json:3: not valid JSON at column 9 /);
});

test('readJsonLines skips blank lines and keeps real line numbers', async () => {
  const { lines } = await readJsonLines(file('a.jsonl', '\ufeff{"a": 1}\r\n\r\n{"a": 2}\n'));
  assert.deepEqual(lines, [
    { line: 1, data: { a: 1 } },
    { line: 3, data: { a: 2 } },
  ]);
  await assert.rejects(readJsonLines(file('b.jsonl', '{"a": 1}\n{"a": }\n')), /b\.jsonl:2: not valid JSON at column 7 /);
});

test('readCsv: quoted fields with commas and doubled quotes, CRLF, named errors', () => {
  const rows = readCsv(file('a.csv', 'id,noun,verb\r\n1,"tomato, cherry","say ""hi"""\r\n2,egg,cut\r\n'), ['id', 'noun']);
  assert.deepEqual(
    rows.map(({ line, values }) => ({ line, values })),
    [
      { line: 2, values: { id: '1', noun: 'tomato, cherry', verb: 'say "hi"' } },
      { line: 3, values: { id: '2', noun: 'egg', verb: 'cut' } },
    ],
  );
  assert.throws(() => readCsv(file('b.csv', 'id,noun\n1,egg,extra\n'), ['id']), /b\.csv: line 2: expected 2 fields as in the header, found 3/);
  assert.throws(() => readCsv(file('c.csv', 'id\n'), ['id']), /c\.csv: no rows after the header/);
});

/** A .npy file as NumPy writes it (format 1.0), for a float64 or float32 matrix. */
function npy(rows: number[][], dtype: '<f8' | '<f4', fortran = false): Buffer {
  const r = rows.length;
  const c = rows[0]!.length;
  let header = `{'descr': '${dtype}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${r}, ${c}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const values = fortran ? rows[0]!.flatMap((_, j) => rows.map((row) => row[j]!)) : rows.flat();
  const data = dtype === '<f8' ? Buffer.from(new Float64Array(values).buffer) : Buffer.from(new Float32Array(values).buffer);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

test('readNpyMatrix reads float64 and float32, C and Fortran order', () => {
  const rows = [
    [0.25, 1, 2],
    [3, 4.5, 5],
  ];
  for (const [dtype, fortran] of [['<f8', false], ['<f4', false], ['<f8', true]] as const) {
    const m = readNpyMatrix(file(`m${dtype}${fortran}.npy`, npy(rows, dtype, fortran)));
    assert.equal(m.rows, 2);
    assert.equal(m.columns, 3);
    assert.equal(m.get(1, 1), 4.5);
    assert.deepEqual(Array.from(m.row(0)), rows[0]);
  }
  assert.throws(() => readNpyMatrix(file('x.npy', 'not numpy at all')), /x\.npy: not a readable \.npy matrix: missing the/);
  const ints = npy(rows, '<f8').toString('latin1').replace("'<f8'", "'<i8'");
  assert.throws(() => readNpyMatrix(file('i.npy', Buffer.from(ints, 'latin1'))), /dtype <i8/);
});
