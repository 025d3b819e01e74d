// A JSON syntax check over bytes, without building the value: the leaderboard reads only the two ends of a run record
// (record-file.ts), and this proves that the middle it skips (every example of every trial) is whole JSON, so that a
// record damaged mid-file is refused as `report` refuses it, at a fraction of JSON.parse's cost and memory (it
// allocates nothing). Hand-written because no JSON library validates a byte range without materialising it; it
// follows RFC 8259's grammar (strings with their escapes and no raw control characters, numbers, literals).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Index after the string starting at `i` (a quote), or -1. */
function scanString(b: Uint8Array, i: number, end: number): number {
  i++;
  while (i < end) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = b[i + 1];
      if (e === 0x75) {
        if (i + 5 >= end || !isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) return -1;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/** Index after the number starting at `i`, or -1. */
function scanNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i]!)) while (i < end && isDigit(b[i]!)) i++;
  else return -1;
  if (b[i] === 0x2e) {
    i++;
    if (!(i < end && isDigit(b[i]!))) return -1;
    while (i < end && isDigit(b[i]!)) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!(i < end && isDigit(b[i]!))) return -1;
    while (i < end && isDigit(b[i]!)) i++;
  }
  return i;
}

function scanLiteral(b: Uint8Array, i: number, end: number, word: string): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/**
 * The index just after the one JSON value that starts at `start` (after optional whitespace), read no further than
 * `end`; -1 when the bytes are not a JSON value there.
 */
export function jsonValueEnd(b: Uint8Array, start: number, end: number): number {
  // The open containers: 1 = array, 2 = object.
  const stack: number[] = [];
  let i = start;
  for (;;) {
    // A value.
    while (i < end && isSpace(b[i]!)) i++;
    if (i >= end) return -1;
    let c = b[i]!;
    if (c === 0x7b || c === 0x5b) {
      const object = c === 0x7b;
      i++;
      while (i < end && isSpace(b[i]!)) i++;
      if (b[i] === (object ? 0x7d : 0x5d)) {
        i++; // an empty container is a whole value
      } else {
        stack.push(object ? 2 : 1);
        if (object) {
          if (b[i] !== QUOTE) return -1;
          i = scanString(b, i, end);
          if (i < 0) return -1;
          while (i < end && isSpace(b[i]!)) i++;
          if (b[i] !== 0x3a) return -1;
          i++;
        }
        continue;
      }
    } else if (c === QUOTE) i = scanString(b, i, end);
    else if (c === 0x2d || isDigit(c)) i = scanNumber(b, i, end);
    else if (c === 0x74) i = scanLiteral(b, i, end, 'true');
    else if (c === 0x66) i = scanLiteral(b, i, end, 'false');
    else if (c === 0x6e) i = scanLiteral(b, i, end, 'null');
    else return -1;
    if (i < 0) return -1;
    // After a value: close containers, or a comma and the next member.
    for (;;) {
      if (stack.length === 0) return i;
      while (i < end && isSpace(b[i]!)) i++;
      if (i >= end) return -1;
      c = b[i]!;
      const top = stack[stack.length - 1];
      if (c === 0x2c) {
        i++;
        if (top === 2) {
          while (i < end && isSpace(b[i]!)) i++;
          if (b[i] !== QUOTE) return -1;
          i = scanString(b, i, end);
          if (i < 0) return -1;
          while (i < end && isSpace(b[i]!)) i++;
          if (b[i] !== 0x3a) return -1;
          i++;
        }
        break; // the next value
      }
      if ((top === 1 && c === 0x5d) || (top === 2 && c === 0x7d)) {
        stack.pop();
        i++;
        continue;
      }
      return -1;
    }
  }
}
