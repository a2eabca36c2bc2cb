// Runs the size gate's `full` probe module (example/, built as the gate builds it: opt-level
// "z", fat LTO, panic=abort) of each configuration under Node, instantiating it directly (no
// wasm-bindgen; for wasm32v1-none, no std either), and drives its exports `alloc`,
// `alloc_zeroed`, `realloc` and `dealloc`. What users ship is an optimised build, and the
// optimiser has turned correct-looking code into a trap before; the wasm-bindgen suites run
// debug builds. Checks:
//   - random operations checked against a shadow list: alignment, no overlap, contents kept
//     through `realloc`, `alloc_zeroed` zero;
//   - for the freeing allocators, the same work again after freeing everything: memory must not
//     grow;
//   - out of memory (the modules are linked with a 64 MiB maximum): 1 MiB requests until one
//     returns null, which must be a null and not a trap; then, for the freeing allocators, frees
//     and allocations again without growth.
// Usage: node run.mjs CONFIG=PATH.wasm ...   Prints "N passed, N failed". CONFIG is the
// configuration's name, optionally with a target prefix (`v1-free`).
import { readFile } from 'node:fs/promises';

const PAGE = 65536;
const MAX_BYTES = 64 << 20;
const FREEING = new Set(['free', 'binned', 'free-locked', 'binned-locked']);

/// xorshift32: a fixed pseudo-random sequence.
function rng(seed) {
  let x = seed | 1;
  return (n) => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

class Subject {
  constructor(instance) {
    this.e = instance.exports;
    this.live = new Map(); // address -> { size, align, seed }
  }
  bytes() { return new Uint8Array(this.e.memory.buffer); }
  pages() { return this.e.memory.buffer.byteLength / PAGE; }
  fill(ptr, size, seed) {
    const m = this.bytes();
    for (let i = 0; i < size; i++) m[ptr + i] = (seed + i * 131) & 0xff;
  }
  verify(ptr, size, seed, what) {
    const m = this.bytes();
    for (let i = 0; i < size; i++) {
      check(m[ptr + i] === ((seed + i * 131) & 0xff), `${what}: block ${ptr} changed at ${i} of ${size}`);
    }
  }
  record(ptr, size, align, seed) {
    check(ptr % align === 0, `block ${ptr} not aligned to ${align}`);
    check(ptr + size <= this.bytes().length, `block ${ptr}+${size} outside memory`);
    for (const [other, b] of this.live) {
      check(ptr + size <= other || other + b.size <= ptr, `block ${ptr}+${size} overlaps ${other}+${b.size}`);
    }
    this.live.set(ptr, { size, align, seed });
  }
  alloc(size, align, zeroed, seed) {
    const ptr = zeroed ? this.e.alloc_zeroed(size, align) >>> 0 : this.e.alloc(size, align) >>> 0;
    if (ptr === 0) return 0;
    if (zeroed) {
      const m = this.bytes();
      for (let i = 0; i < size; i++) check(m[ptr + i] === 0, `alloc_zeroed(${size}) not zero at ${i}`);
    }
    this.record(ptr, size, align, seed);
    this.fill(ptr, size, seed);
    return ptr;
  }
  free(ptr) {
    const b = this.live.get(ptr);
    this.verify(ptr, b.size, b.seed, 'dealloc');
    this.live.delete(ptr);
    this.e.dealloc(ptr, b.size, b.align);
  }
  realloc(ptr, newSize, seed) {
    const b = this.live.get(ptr);
    this.verify(ptr, b.size, b.seed, 'realloc');
    this.live.delete(ptr);
    const moved = this.e.realloc(ptr, b.size, b.align, newSize) >>> 0;
    if (moved === 0) {
      this.live.set(ptr, b);
      return ptr;
    }
    this.verify(moved, Math.min(b.size, newSize), b.seed, 'after realloc');
    this.record(moved, newSize, b.align, seed);
    this.fill(moved, newSize, seed);
    return moved;
  }
  freeAll() {
    for (const ptr of [...this.live.keys()]) this.free(ptr);
  }
}

/// Random work over 64 slots; returns how many requests got a block.
function work(s, ops, seed) {
  const next = rng(seed);
  const slots = new Array(64).fill(0);
  let served = 0;
  const size = () => [8, 16, 1 + next(100), 1 + next(2000), 1 + next(70000)][next(5)];
  for (let i = 0; i < ops; i++) {
    const slot = next(64);
    const op = next(10);
    if (op < 5) {
      if (slots[slot]) s.free(slots[slot]);
      slots[slot] = s.alloc(size(), 1 << next(17), op === 4, i);
      served += slots[slot] ? 1 : 0;
    } else if (op < 8 && slots[slot]) {
      slots[slot] = s.realloc(slots[slot], size(), i);
    } else if (slots[slot]) {
      s.free(slots[slot]);
      slots[slot] = 0;
    }
  }
  s.freeAll();
  return served;
}

async function runOne(label, path) {
  const name = label.replace(/^v1-/, '');
  const { instance } = await WebAssembly.instantiate(await readFile(path), {});
  const s = new Subject(instance);
  if (name === 'fail') {
    check(s.e.alloc(16, 8) === 0 && s.e.alloc_zeroed(1, 1) === 0, 'FailAllocator returned a block');
    return 'every request null';
  }
  const ops = name === 'page' ? 40 : FREEING.has(name) ? 3000 : 500;
  const served = work(s, ops, 1);
  check(served > 0, 'no request was served');
  if (FREEING.has(name)) {
    // A second round warms up (a freeing allocator may split its now-merged memory differently
    // the first time round), then the same work must fit in the same memory, twice.
    work(s, ops, 1);
    const pages = s.pages();
    for (let round = 0; round < 2; round++) {
      work(s, ops, 1);
      check(s.pages() === pages, `memory grew from ${pages} to ${s.pages()} pages repeating the work`);
    }
  }
  // Out of memory: 1 MiB blocks until null.
  const blocks = [];
  for (;;) {
    const ptr = s.alloc(1 << 20, 8, false, blocks.length);
    if (ptr === 0) break;
    blocks.push(ptr);
    check(blocks.length < 64, 'more than 64 MiB of 1 MiB blocks');
  }
  check(s.bytes().length <= MAX_BYTES, 'memory passed its maximum');
  check(blocks.length >= 30, `only ${blocks.length} blocks of 1 MiB before null`);
  if (FREEING.has(name)) {
    const full = s.pages();
    s.freeAll();
    for (let i = 0; i < 10; i++) check(s.alloc(1 << 20, 8, false, i) !== 0, 'no block after frees');
    check(s.pages() === full, 'memory grew after frees');
  }
  return `${served} blocks served, ${blocks.length} MiB before null, ${s.pages()} pages`;
}

let passed = 0;
let failed = 0;
for (const arg of process.argv.slice(2)) {
  const [name, path] = arg.split('=');
  try {
    console.log(`ok      ${name}: ${await runOne(name, path)}`);
    passed += 1;
  } catch (error) {
    console.log(`FAILED  ${name}: ${error}`);
    failed += 1;
  }
}
console.log(`probes: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
