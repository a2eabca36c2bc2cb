// Drives the optimised `full` probe modules of the configuration matrix (example/ built for each
// configuration, target and opt-level as a user's release build: fat LTO, one codegen unit,
// panic=abort; see `ci/test.sh matrix`) under Node, instantiating each directly (no
// wasm-bindgen), and calls its exports `alloc`, `alloc_zeroed`, `realloc` (`probe_realloc` on
// WASI, where libc has a `realloc`) and `dealloc`. The optimiser has turned correct code into a
// trap before; this is what users ship. Checks, in one thread:
//   - random operations against a shadow list: alignment, bounds, no overlap, contents kept
//     through `realloc`, `alloc_zeroed` zero;
//   - for the freeing allocators, the same work again after freeing everything: memory must not
//     grow;
//   - out of memory (the modules are linked with a 64 MiB maximum): 1 MiB requests until one
//     returns null, which must be a null and not a trap; then, for the freeing allocators, frees
//     and allocations again without growth.
// For `wasm32-wasip1-threads` modules, then four threads (worker_threads, one instance each over
// the one shared memory, each on a stack of its own) start together and run the random work at
// once, each writing a pattern of its own; at a barrier the main thread checks that no two
// threads' live blocks overlap, then every thread checks its contents and frees everything.
//
// With `--tape DIR`, each module's single-threaded work is also written to DIR/LABEL.json (LABEL
// with `_` for `/`): every call with its arguments and result (or "trap"), every write of the
// driver's own, and at the end of each phase the memory's size and a SHA-256 of its contents.
// replay.py replays such tapes in another engine (wasmtime): a correct engine must give the
// same results and the same memory, so the checks made here hold there too. On the threads
// target the tape stops before the threads start (their interleaving is not repeatable).
//
// Usage: node run.mjs --configurations LIST.json [--tape DIR] LABEL=PATH.wasm ...
//                    [--expect-failure LABEL=PATH.wasm ...]
// LIST.json is `configs json` (the properties of the configurations in size-budget.toml). LABEL
// is TARGET/OPT-LEVEL/CONFIG (`wasm32-wasip1-threads/z/free-locked`). Modules after
// `--expect-failure` must fail (a trap or a failed check): negative controls. Prints a line per
// module and "N passed, N failed".
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const PAGE = 65536;
const MAX_PAGES = 1024; // --max-memory=67108864 (ci/test.sh)
const THREADS = 4;
const STACK = 64 * 1024;
const TIME_LIMIT_S = 30;

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

/// The properties of every configuration, from the list (`configs json`, size-budget.toml).
let CONFIGURATIONS = {};

/// What a configuration is: whether it refuses everything, takes whole pages per allocation,
/// frees. Reference rows (lol_alloc's) count as leaking.
function kind(config) {
  const c = CONFIGURATIONS[config] ?? { allocates: true, wholePages: false, frees: false };
  // A checking wrapper's quarantine delays reuse: the checks that memory stays flat leave it out.
  return { fails: !c.allocates, pages: c.wholePages, frees: c.frees, reuses: c.frees && !c.checks };
}

/// Imports for a probe module: the shared memory on the threads target, and any WASI function a
/// module may import, as a trap (the probes make no system calls).
function imports(memory) {
  const trap = (name) => () => { throw new Error(`unexpected WASI call ${name}`); };
  return {
    env: { memory },
    wasi_snapshot_preview1: new Proxy({}, { get: (_, name) => trap(name) }),
    wasi: new Proxy({}, { get: (_, name) => trap(name) }),
  };
}

/// The shared memory a threads module imports, or none. 32 pages initially: at least what the
/// modules declare (17: a 1 MiB stack and the static data); the maximum is the one they were
/// linked with.
function sharedMemory(module) {
  if (!WebAssembly.Module.imports(module).some((i) => i.kind === 'memory')) return undefined;
  return new WebAssembly.Memory({ initial: 32, maximum: MAX_PAGES, shared: true });
}

/// Block contents: byte i of a block with offset k is PATTERN[k + i], (k + i) * 131 mod 256;
/// k comes from the block's seed and the thread. Filled and compared with typed-array copies,
/// not byte by byte: the out-of-memory check writes 64 MiB per module.
const PATTERN = new Uint8Array((2 << 20) + 256).map((_, i) => (i * 131) & 0xff);
const ZEROES = new Uint8Array(2 << 20);

/// `size` bytes of `memory` from `ptr` (no copy).
function view(memory, ptr, size) {
  return Buffer.from(memory.buffer, ptr, size);
}

/// The first index at which `actual` and `expected` differ, or -1.
function firstDifference(actual, expected) {
  if (actual.equals(expected)) return -1;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return i;
  return -1;
}

const COUNTERS = ['liveBytes', 'peakBytes', 'allocations', 'deallocations', 'reallocations', 'failures'];

class Subject {
  constructor(instance, tag = 0) {
    this.e = instance.exports;
    this.reallocName = this.e.realloc ? 'realloc' : 'probe_realloc';
    this.tape = null; // the calls and writes, when they are taped (--tape)
    this.tag = tag; // a thread's own pattern
    this.live = new Map(); // address -> { size, align, seed }
    // What this thread did, to check a counting configuration's counters against.
    this.tally = { liveBytes: 0, allocations: 0, deallocations: 0, reallocations: 0, failures: 0 };
  }
  /// A counting configuration's counters (`probe_counters`), read through a scratch block that
  /// is itself counted.
  counters() {
    if (!this.scratch) {
      this.scratch = this.call('alloc', 24, 4);
      check(this.scratch !== 0, 'no memory for the counters');
      this.tally.allocations += 1;
      this.tally.liveBytes += 24;
    }
    this.call('probe_counters', this.scratch);
    const words = new Uint32Array(this.e.memory.buffer, this.scratch, 6);
    return Object.fromEntries(COUNTERS.map((name, i) => [name, words[i]]));
  }
  /// Calls export `name`, onto the tape if there is one; returns its result as an address.
  call(name, ...args) {
    let result;
    try {
      result = this.e[name](...args) >>> 0;
    } catch (error) {
      this.tape?.push(['call', name, args, 'trap']);
      throw error;
    }
    this.tape?.push(['call', name, args, result]);
    return result;
  }
  /// The end of a phase, on the tape: the memory's size in pages and its contents' SHA-256.
  checkpoint() {
    if (!this.tape) return;
    const copy = new Uint8Array(this.e.memory.buffer).slice(); // hashable if shared
    this.tape.push(['memory', this.pages(), createHash('sha256').update(copy).digest('hex')]);
  }
  bytes() { return new Uint8Array(this.e.memory.buffer); }
  pages() { return this.e.memory.buffer.byteLength / PAGE; }
  expected(seed, size) {
    const k = (seed + this.tag * 77) & 0xff;
    return Buffer.from(PATTERN.buffer, k, size);
  }
  fill(ptr, size, seed) {
    view(this.e.memory, ptr, size).set(this.expected(seed, size));
    this.tape?.push(['fill', ptr, (seed + this.tag * 77) & 0xff, size]);
  }
  verify(ptr, size, seed, what) {
    const at = firstDifference(view(this.e.memory, ptr, size), this.expected(seed, size));
    check(at < 0, `${what}: block ${ptr} changed at ${at} of ${size}`);
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
    const ptr = this.call(zeroed ? 'alloc_zeroed' : 'alloc', size, align);
    if (ptr === 0) {
      this.tally.failures += 1;
      return 0;
    }
    this.tally.allocations += 1;
    this.tally.liveBytes += size;
    if (zeroed) {
      const at = firstDifference(view(this.e.memory, ptr, size), Buffer.from(ZEROES.buffer, 0, size));
      check(at < 0, `alloc_zeroed(${size}) not zero at ${at}`);
    }
    this.record(ptr, size, align, seed);
    this.fill(ptr, size, seed);
    return ptr;
  }
  free(ptr) {
    const b = this.live.get(ptr);
    this.verify(ptr, b.size, b.seed, 'dealloc');
    this.live.delete(ptr);
    this.call('dealloc', ptr, b.size, b.align);
    this.tally.deallocations += 1;
    this.tally.liveBytes -= b.size;
  }
  realloc(ptr, newSize, seed) {
    const b = this.live.get(ptr);
    this.verify(ptr, b.size, b.seed, 'realloc');
    this.live.delete(ptr);
    const moved = this.call(this.reallocName, ptr, b.size, b.align, newSize);
    if (moved === 0) {
      this.live.set(ptr, b);
      this.tally.failures += 1;
      return ptr;
    }
    this.tally.reallocations += 1;
    this.tally.liveBytes += newSize - b.size;
    this.verify(moved, Math.min(b.size, newSize), b.seed, 'after realloc');
    this.record(moved, newSize, b.align, seed);
    this.fill(moved, newSize, seed);
    return moved;
  }
  freeAll() {
    for (const ptr of [...this.live.keys()]) this.free(ptr);
  }
}

/// Random work over 64 slots, leaving its blocks live; returns how many requests got a block.
function work(s, ops, seed, maxAlignShift = 17) {
  const next = rng(seed);
  const slots = new Array(64).fill(0);
  let served = 0;
  const size = () => [8, 16, 1 + next(100), 1 + next(2000), 1 + next(70000)][next(5)];
  for (let i = 0; i < ops; i++) {
    const slot = next(64);
    const op = next(10);
    if (op < 5) {
      if (slots[slot]) s.free(slots[slot]);
      slots[slot] = s.alloc(size(), 1 << next(maxAlignShift), op === 4, i);
      served += slots[slot] ? 1 : 0;
    } else if (op < 8 && slots[slot]) {
      slots[slot] = s.realloc(slots[slot], size(), i);
    } else if (slots[slot]) {
      s.free(slots[slot]);
      slots[slot] = 0;
    }
  }
  return served;
}

function ops(config) {
  const { pages, frees } = kind(config);
  return pages ? 40 : frees ? 3000 : 500;
}

/// A counting configuration's counters must match what the driver's threads did: `before` is the
/// reading the tallies start from, `tallies` what each thread did since.
function checkCounters(s, before, tallies, what) {
  const after = s.counters();
  for (const name of ['liveBytes', 'allocations', 'deallocations', 'reallocations', 'failures']) {
    const did = tallies.reduce((sum, t) => sum + t[name], 0);
    check(after[name] - before[name] === did,
      `${what}: the counters say ${after[name] - before[name]} ${name}, the driver did ${did}`);
  }
  check(after.peakBytes >= after.liveBytes, `${what}: peak ${after.peakBytes} below live ${after.liveBytes}`);
}

/// The single-threaded checks.
function alone(s, config) {
  const { fails, reuses } = kind(config);
  if (fails) {
    check(s.call('alloc', 16, 8) === 0 && s.call('alloc_zeroed', 1, 1) === 0, 'FailAllocator returned a block');
    return 'every request null';
  }
  const n = ops(config);
  const served = work(s, n, 1);
  s.freeAll();
  check(served > 0, 'no request was served');
  if (reuses) {
    // A second round warms up (a freeing allocator may split its now-merged memory differently
    // the first time round), then the same work must fit in the same memory, twice.
    work(s, n, 1);
    s.freeAll();
    const pages = s.pages();
    for (let round = 0; round < 2; round++) {
      work(s, n, 1);
      s.freeAll();
      check(s.pages() === pages, `memory grew from ${pages} to ${s.pages()} pages repeating the work`);
    }
  }
  return `${served} blocks served`;
}

/// Out of memory: 1 MiB blocks until null, which must not be a trap; then, for the freeing
/// allocators, memory freed serves again without growing.
function outOfMemory(s, config) {
  const { fails, frees } = kind(config);
  if (fails) return '';
  const blocks = [];
  for (;;) {
    const ptr = s.alloc(1 << 20, 8, false, blocks.length);
    if (ptr === 0) break;
    blocks.push(ptr);
    check(blocks.length < 64, 'more than 64 MiB of 1 MiB blocks');
  }
  check(s.bytes().length <= MAX_PAGES * PAGE, 'memory passed its maximum');
  check(blocks.length >= 25, `only ${blocks.length} blocks of 1 MiB before null`);
  if (frees) {
    const full = s.pages();
    s.freeAll();
    for (let i = 0; i < 10; i++) check(s.alloc(1 << 20, 8, false, i) !== 0, 'no block after frees');
    check(s.pages() === full, 'memory grew after frees');
  }
  return `, ${blocks.length} MiB before null, ${s.pages()} pages`;
}

/// Four threads at once over the shared memory of `instance` (the main thread's instance).
async function threads(module, memory, main, config) {
  const { fails, pages, frees } = kind(config);
  if (fails) return '';
  const sync = new Int32Array(new SharedArrayBuffer(4));
  const stacks = [];
  for (let t = 0; t < THREADS; t++) {
    const ptr = main.alloc(STACK, 16, false, 1000 + t);
    check(ptr !== 0, 'no memory for a thread stack');
    stacks.push(ptr);
  }
  const n = pages ? 20 : frees ? 20000 : ops(config);
  const workers = stacks.map((stack, t) => new Worker(new URL(import.meta.url), {
    workerData: { module, memory, config, stackTop: stack + STACK, tag: t + 1, ops: n, sync },
  }));
  const messages = workers.map((worker) => {
    const queue = [];
    const waiting = [];
    worker.on('message', (m) => (waiting.length ? waiting.shift()(m) : queue.push(m)));
    worker.on('error', (error) => {
      const m = { error: String(error) };
      waiting.length ? waiting.shift()(m) : queue.push(m);
    });
    return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r)));
  });
  // A thread stuck in a loop (a free list that races have made circular) must fail, not hang.
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`threads still running after ${TIME_LIMIT_S} s`)), TIME_LIMIT_S * 1000);
  });
  const all = (promises) => Promise.race([Promise.all(promises), deadline]);
  try {
    // All four start at once, for as much overlap as the machine gives.
    const ready = await all(messages.map((next) => next()));
    for (const m of ready) check(!m.error, `a thread failed: ${m.error}`);
    Atomics.store(sync, 0, 1);
    Atomics.notify(sync, 0);
    const lives = await all(messages.map((next) => next()));
    for (const m of lives) check(!m.error, `a thread failed: ${m.error}`);
    // Every live block of every thread, and the stacks: no two may overlap.
    const blocks = lives.flatMap((m, t) => m.live.map(([ptr, size]) => [ptr, size, t + 1]));
    blocks.push(...stacks.map((ptr) => [ptr, STACK, 'stack']));
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) {
      const [p, size, who] = blocks[i - 1];
      check(p + size <= blocks[i][0], `thread ${who}'s block ${p}+${size} overlaps thread ${blocks[i][2]}'s ${blocks[i][0]}`);
    }
    Atomics.store(sync, 0, 2);
    Atomics.notify(sync, 0);
    const done = await all(messages.map((next) => next()));
    for (const m of done) check(!m.error, `a thread failed: ${m.error}`);
    main.threadTallies = done.map((m) => m.tally);
    const served = done.reduce((sum, m) => sum + m.served, 0);
    check(served > 0, 'no thread was served');
    return `; ${THREADS} threads: ${served} blocks served, ${blocks.length - THREADS} live at once`;
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

if (!isMainThread) {
  // A thread: the same module on the same memory, on a stack of its own.
  const { module, memory, stackTop, tag, ops: n, sync } = workerData;
  try {
    const instance = new WebAssembly.Instance(module, imports(memory));
    instance.exports.__stack_pointer.value = stackTop;
    const s = new Subject(instance, tag);
    parentPort.postMessage({ ready: true });
    Atomics.wait(sync, 0, 0);
    const served = work(s, n, tag * 7919, 12);
    parentPort.postMessage({ live: [...s.live].map(([ptr, b]) => [ptr, b.size]) });
    Atomics.wait(sync, 0, 1);
    s.freeAll();
    parentPort.postMessage({ served, tally: s.tally });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.stack ? error.stack : error) });
  }
} else {
  const runOne = async (label, path) => {
    const [target, , config] = label.split('/');
    const module = new WebAssembly.Module(readFileSync(path));
    const memory = sharedMemory(module);
    const instance = new WebAssembly.Instance(module, imports(memory));
    const s = new Subject(instance);
    if (tapes) s.tape = [];
    const counts = CONFIGURATIONS[config]?.counts;
    const zero = { liveBytes: 0, allocations: 0, deallocations: 0, reallocations: 0, failures: 0 };
    try {
      let result = alone(s, config);
      if (counts) checkCounters(s, zero, [s.tally], 'one thread');
      s.checkpoint();
      if (target === 'wasm32-wasip1-threads') {
        writeTape(label, s.tape);
        s.tape = null;
        result += await threads(module, memory, s, config);
      }
      result += outOfMemory(s, config);
      if (counts) {
        checkCounters(s, zero, [s.tally, ...(s.threadTallies ?? [])], 'in all');
        result += '; counters match';
      }
      s.checkpoint();
      return result;
    } finally {
      writeTape(label, s.tape);
    }
  };

  let args = process.argv.slice(2);
  if (args[0] === '--configurations') {
    CONFIGURATIONS = JSON.parse(readFileSync(args[1], 'utf8'));
    args = args.slice(2);
  }
  let tapes = null;
  if (args[0] === '--tape') {
    tapes = args[1];
    mkdirSync(tapes, { recursive: true });
    args = args.slice(2);
  }
  /// Writes a module's tape (a JSON array of entries) once; a trap's tape ends at the trap.
  const writeTape = (label, tape) => {
    if (tapes && tape) writeFileSync(join(tapes, `${label.replaceAll('/', '_')}.json`), JSON.stringify(tape));
  };
  const split = args.indexOf('--expect-failure');
  const cases = [
    ...(split < 0 ? args : args.slice(0, split)).map((a) => [a, false]),
    ...(split < 0 ? [] : args.slice(split + 1)).map((a) => [a, true]),
  ];
  let passed = 0;
  let failed = 0;
  for (const [arg, expectFailure] of cases) {
    const [label, path] = arg.split('=');
    let outcome;
    try {
      outcome = { ok: true, text: await runOne(label, path) };
    } catch (error) {
      outcome = { ok: false, text: expectFailure ? String(error).split('\n')[0] : String(error) };
    }
    if (outcome.ok !== expectFailure) {
      passed += 1;
      console.log(`ok      ${label}: ${expectFailure ? `failed as it must (${outcome.text})` : outcome.text}`);
    } else {
      failed += 1;
      console.log(`FAILED  ${label}: ${expectFailure ? 'passed, but must fail' : outcome.text}`);
    }
  }
  console.log(`matrix: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}
