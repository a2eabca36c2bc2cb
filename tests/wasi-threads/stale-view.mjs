// Does this engine let a thread see another thread's `memory.grow` late? With no allocator at
// all: a worker spins in wasm on a flag in shared memory; the main thread grows memory by a page
// and then sets the flag (a seq-cst store, so the grow happens before the worker's load that sees
// it); the worker then fills the new page with `memory.fill`.
//
// Run with `node --no-wasm-stack-checks`: V8 then never handles the grow interrupt inside wasm,
// so the worker's view stays stale every time, where normally it does only now and then (one run
// of the threads test in about a hundred, under load). Prints how often `memory.fill` trapped
// with and without `memory.grow(0)` before it (the refresh `LockedAllocator` does, see
// src/memory_view.rs). Exits non-zero if the refresh ever failed to prevent the trap; prints a
// notice (exit 0) if the engine does not show the stale view at all, in which case the
// `--stale-views` run of run.mjs checks the lock but not the refresh.
//
// Usage: node --no-wasm-stack-checks stale-view.mjs [TRIALS]
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const section = (id, body) => [id, body.length, ...body];
const name = (s) => [s.length, ...Buffer.from(s)];
const I32 = 0x7f;
// (func $spin_fill (param $flag i32) (param $dst i32) (param $len i32))
//   loop until (i32.atomic.load $flag) != 0; [memory.grow(0); drop]; memory.fill $dst 0 $len
const spinFill = (refresh) => [
  0, // no locals
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0, 0xfe, 0x10, 2, 0, // local.get $flag; i32.atomic.load
  0x0d, 1, 0x0c, 0, 0x0b, 0x0b, // br_if out; br loop; end; end
  ...(refresh ? [0x41, 0, 0x40, 0, 0x1a] : []), // i32.const 0; memory.grow; drop
  0x20, 1, 0x41, 0, 0x20, 2, 0xfc, 0x0b, 0, // memory.fill $dst 0 $len
  0x0b,
];
const bodies = [spinFill(false), spinFill(true)];
const bytes = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 3, I32, I32, I32, 0]),
  ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x03, 1, 0xe8, 0x07]), // shared 1..1000
  ...section(3, [2, 0, 0]),
  ...section(7, [2, ...name('fill'), 0, 0, ...name('refresh_then_fill'), 0, 1]),
  ...section(10, [2, ...bodies.flatMap((b) => [b.length, ...b])]),
]);
const module = new WebAssembly.Module(bytes);

if (isMainThread) {
  const trials = Number(process.argv[2] || 20);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1000, shared: true });
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { memory } });
  const results = [];
  worker.on('message', (m) => results.push(m));
  const words = () => new Int32Array(memory.buffer, 0, 2);
  const traps = { fill: 0, refresh_then_fill: 0 };
  for (const which of Object.keys(traps)) {
    for (let t = 0; t < trials; t++) {
      Atomics.store(words(), 0, 0);
      Atomics.store(words(), 1, which === 'fill' ? 1 : 2); // start spinning
      while (Atomics.load(words(), 1) !== 3); // the worker is in wasm (or about to be)
      for (let i = 0; i < 100_000; i++); // let it spin
      memory.grow(1);
      Atomics.store(words(), 0, 1);
      while (results.length === 0) await new Promise((r) => setTimeout(r, 1));
      if (results.shift() !== 'ok') traps[which] += 1;
    }
  }
  await worker.terminate();
  console.log(
    `engine: memory.fill of a page another thread grew trapped in ${traps.fill} of ${trials} ` +
      `trials, and in ${traps.refresh_then_fill} of ${trials} after memory.grow(0)`,
  );
  if (traps.refresh_then_fill > 0) {
    console.log('FAILED  memory.grow(0) did not bring the thread\'s view of memory up to date');
    process.exitCode = 1;
  } else if (traps.fill === 0) {
    console.log('notice  this engine shows no stale view here: the --stale-views run checks the lock only');
  }
} else {
  const { memory } = workerData;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  for (;;) {
    const words = new Int32Array(memory.buffer, 0, 2);
    let mode;
    while ((mode = Atomics.load(words, 1)) !== 1 && mode !== 2);
    // The page the main thread is about to add: the one after this worker's view of memory.
    const dst = memory.buffer.byteLength;
    Atomics.store(words, 1, 3);
    try {
      instance.exports[mode === 1 ? 'fill' : 'refresh_then_fill'](0, dst, 65536);
      parentPort.postMessage('ok');
    } catch (error) {
      parentPort.postMessage(String(error));
    }
  }
}
