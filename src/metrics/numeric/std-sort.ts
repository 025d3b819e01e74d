// The element order of C++ `std::sort` as GNU libstdc++ implements it (bits/stl_algo.h, bits/stl_heap.h): introsort
// with median-of-three pivots, a heapsort fallback at depth 2*floor(log2 n), and a final insertion sort over runs of
// 16. It is not stable; what it does with ties is nevertheless deterministic. PyTorch's CPU `torch.sort` (stable=False,
// the default) calls it, so reproducing official scripts that rank with `torch.sort` on tied scores needs this order.

const THRESHOLD = 16;

/** Sorts `a` in place as libstdc++'s `std::sort(a.begin(), a.end(), less)` would. */
export function stdSort<T>(a: T[], less: (x: T, y: T) => boolean): void {
  const n = a.length;
  if (n < 2) return;
  introsortLoop(a, 0, n, 2 * (31 - Math.clz32(n)), less);
  finalInsertionSort(a, 0, n, less);
}

function introsortLoop<T>(a: T[], first: number, last: number, depth: number, less: (x: T, y: T) => boolean): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSort(a, first, last, less);
      return;
    }
    depth--;
    const cut = partitionPivot(a, first, last, less);
    introsortLoop(a, cut, last, depth, less);
    last = cut;
  }
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function partitionPivot<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(a, first, first + 1, mid, last - 1, less);
  // Unguarded partition of [first + 1, last) around the pivot now at `first`.
  let lo = first + 1;
  let hi = last;
  for (;;) {
    while (less(a[lo]!, a[first]!)) lo++;
    hi--;
    while (less(a[first]!, a[hi]!)) hi--;
    if (!(lo < hi)) return lo;
    swap(a, lo, hi);
    lo++;
  }
}

function moveMedianToFirst<T>(a: T[], result: number, x: number, y: number, z: number, less: (p: T, q: T) => boolean): void {
  if (less(a[x]!, a[y]!)) {
    if (less(a[y]!, a[z]!)) swap(a, result, y);
    else if (less(a[x]!, a[z]!)) swap(a, result, z);
    else swap(a, result, x);
  } else if (less(a[x]!, a[z]!)) swap(a, result, x);
  else if (less(a[y]!, a[z]!)) swap(a, result, z);
  else swap(a, result, y);
}

function finalInsertionSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  if (last - first > THRESHOLD) {
    insertionSort(a, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(a, i, less);
  } else {
    insertionSort(a, first, last, less);
  }
}

function insertionSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  for (let i = first + 1; i < last; i++) {
    if (less(a[i]!, a[first]!)) {
      const value = a[i]!;
      for (let j = i; j > first; j--) a[j] = a[j - 1]!;
      a[first] = value;
    } else {
      unguardedLinearInsert(a, i, less);
    }
  }
}

function unguardedLinearInsert<T>(a: T[], last: number, less: (x: T, y: T) => boolean): void {
  const value = a[last]!;
  let next = last - 1;
  while (less(value, a[next]!)) {
    a[last] = a[next]!;
    last = next;
    next--;
  }
  a[last] = value;
}

// std::__partial_sort(first, last, last): make_heap, then sort_heap.
function heapSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  const len = last - first;
  if (len >= 2) {
    for (let parent = Math.floor((len - 2) / 2); ; parent--) {
      adjustHeap(a, first, parent, len, a[first + parent]!, less);
      if (parent === 0) break;
    }
  }
  for (let end = last; end - first > 1; ) {
    end--;
    const value = a[end]!;
    a[end] = a[first]!;
    adjustHeap(a, first, 0, end - first, value, less);
  }
}

function adjustHeap<T>(a: T[], first: number, hole: number, len: number, value: T, less: (x: T, y: T) => boolean): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((len - 1) / 2)) {
    child = 2 * (child + 1);
    if (less(a[first + child]!, a[first + child - 1]!)) child--;
    a[first + hole] = a[first + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
    child = 2 * (child + 1);
    a[first + hole] = a[first + child - 1]!;
    hole = child - 1;
  }
  // push_heap
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(a[first + parent]!, value)) {
    a[first + hole] = a[first + parent]!;
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  a[first + hole] = value;
}
