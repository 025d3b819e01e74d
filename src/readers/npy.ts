// A reader for 2-D NumPy `.npy` float arrays (format versions 1-3, little-endian float32/float64, C or Fortran
// order): RareAct's official evaluation takes its predictions as such a matrix.
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';

export interface Matrix {
  rows: number;
  columns: number;
  /** Element (row, column). */
  get(row: number, column: number): number;
  /** One row as a plain array. */
  row(row: number): Float64Array;
}

export function readNpyMatrix(file: string): Matrix {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new InputError(`${file}: cannot read the file (no such file)`, file);
  }
  const bad = (why: string): never => {
    throw new InputError(`${file}: not a readable .npy matrix: ${why}`, file);
  };
  if (bytes.length === 0) throw new InputError(`${file}: the file is empty`, file);
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== '\x93NUMPY') bad('missing the \\x93NUMPY magic');
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (descr !== '<f4' && descr !== '<f8') bad(`dtype ${descr ?? '?'} (expected little-endian float32 '<f4' or float64 '<f8')`);
  if (!shape || shape.length !== 2) bad(`shape (${shape?.join(', ') ?? '?'}) is not 2-D`);
  const [rows, columns] = shape as [number, number];
  const width = descr === '<f4' ? 4 : 8;
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < rows * columns * width) bad(`the data is shorter than its shape ${rows}x${columns}`);
  // Copy into an aligned buffer: typed arrays need offsets that are multiples of their element size.
  const data = bytes.subarray(dataStart, dataStart + rows * columns * width);
  const aligned = new ArrayBuffer(data.length);
  new Uint8Array(aligned).set(data);
  const values = width === 4 ? new Float32Array(aligned) : new Float64Array(aligned);
  const index = fortran ? (r: number, c: number) => c * rows + r : (r: number, c: number) => r * columns + c;
  return {
    rows,
    columns,
    get: (r, c) => values[index(r, c)]!,
    row: (r) => Float64Array.from({ length: columns }, (_, c) => values[index(r, c)]!),
  };
}
