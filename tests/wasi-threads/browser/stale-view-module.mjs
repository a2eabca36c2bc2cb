// The engine check of ../stale-view.mjs (Node) and stale-view.html (Chromium, Firefox), shared: does a
// thread that learns of another thread's `memory.grow` through an atomic load see the new pages
// in `memory.fill`? No allocator is involved.
//
// A worker spins in wasm on a flag in shared memory; the main thread grows memory by a page and
// then sets the flag (a seq-cst store, so the grow happens before the worker's load that sees
// it); the worker then fills the new page with `memory.fill`, with or without a `memory.grow(0)`
// first (the refresh `LockedAllocator` does; src/memory_view.rs).
const section = (id, body) => [id, body.length, ...body];
const name = (s) => [s.length, ...new TextEncoder().encode(s)];
const I32 = 0x7f;
// (func (param $flag i32) (param $dst i32) (param $len i32))
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
export const module = new WebAssembly.Module(new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 3, I32, I32, I32, 0]),
  ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x03, 1, 0xe8, 0x07]), // shared 1..1000
  ...section(3, [2, 0, 0]),
  ...section(7, [2, ...name('fill'), 0, 0, ...name('refresh_then_fill'), 0, 1]),
  ...section(10, [2, ...bodies.flatMap((b) => [b.length, ...b])]),
]));

/// A memory for the check, to share with the worker.
export const newMemory = () => new WebAssembly.Memory({ initial: 1, maximum: 1000, shared: true });

const words = (memory) => new Int32Array(memory.buffer, 0, 2);

/// The worker's reports, in order: `push` them as they arrive; `next()` resolves to the next.
export function replies() {
  const queue = [];
  return {
    push: (message) => queue.push(message),
    async next() {
      while (queue.length === 0) await new Promise((r) => setTimeout(r, 1));
      return queue.shift();
    },
  };
}

/// The main thread's side: `trials` grows for each variant; `nextResult()` resolves to the
/// worker's next report ('ok' or the error). Returns how many fills trapped in each variant.
export async function runTrials(memory, nextResult, trials) {
  const traps = { fill: 0, refresh_then_fill: 0 };
  // Wait without blocking until the worker runs: a browser starts it only while this thread's
  // event loop turns.
  const ready = await nextResult();
  if (ready !== 'ready') throw new Error(`the worker: ${ready}`);
  for (const which of Object.keys(traps)) {
    for (let t = 0; t < trials; t++) {
      Atomics.store(words(memory), 0, 0);
      Atomics.store(words(memory), 1, which === 'fill' ? 1 : 2); // start spinning
      const since = Date.now();
      while (Atomics.load(words(memory), 1) !== 3) {
        if (Date.now() - since > 10_000) throw new Error('the worker did not start spinning');
      }
      for (let i = 0; i < 100_000; i++); // let it spin
      memory.grow(1);
      Atomics.store(words(memory), 0, 1);
      if ((await nextResult()) !== 'ok') traps[which] += 1;
    }
  }
  return traps;
}

/// The worker's side, for ever: says 'ready', then waits for each request, spins and fills in
/// wasm; `reply` gets 'ok' or the error.
export function serve(memory, reply) {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  reply('ready');
  for (;;) {
    let mode;
    while ((mode = Atomics.load(words(memory), 1)) !== 1 && mode !== 2);
    // The page the main thread is about to add: the one after this worker's view of memory.
    const dst = memory.buffer.byteLength;
    Atomics.store(words(memory), 1, 3);
    try {
      instance.exports[mode === 1 ? 'fill' : 'refresh_then_fill'](0, dst, 65536);
      reply('ok');
    } catch (error) {
      reply(String(error));
    }
  }
}

/// The report line, and whether the check failed (the refresh did not prevent a trap).
export function verdict(traps, trials) {
  const lines = [
    `engine: memory.fill of a page another thread grew trapped in ${traps.fill} of ${trials} ` +
      `trials, and in ${traps.refresh_then_fill} of ${trials} after memory.grow(0)`,
  ];
  if (traps.refresh_then_fill > 0) {
    lines.push("FAILED  memory.grow(0) did not bring the thread's view of memory up to date");
  } else if (traps.fill === 0) {
    lines.push('notice  this engine showed no stale view here (on V8 the --stale-views runs force one, to check the lock)');
  }
  return { text: lines.join('\n'), failed: traps.refresh_then_fill > 0 };
}
