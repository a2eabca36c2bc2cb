// One wasm32-wasip1-threads thread, in a dedicated worker of the page (index.html): the program's
// main thread (`_start`) or a thread it spawned (`wasi_thread_start`). The same small WASI as
// ../run.mjs (wasi.mjs), with output, spawn requests and the outcome sent to the page on a
// BroadcastChannel. The program's main thread runs in a worker too, because the page's own
// thread may not block (`memory.atomic.wait32` traps there).
import { Exit, wasiImports } from './wasi.mjs';

const channel = new BroadcastChannel('wasi-threads');
const send = (message) => channel.postMessage(message);

function imports(memory, counter) {
  return wasiImports(memory, counter, {
    write: (fd, bytes) => send({ kind: 'output', fd, text: new TextDecoder().decode(bytes) }),
    nanoseconds: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    // The page starts the worker: a worker that this thread started would not start while this
    // thread blocks (in `join`, say), since a nested worker is started by its parent.
    spawn: (tid, arg) => send({ kind: 'spawn', tid, arg }),
  });
}

onmessage = ({ data: { module, memory, counter, tid, arg } }) => {
  const where = tid === undefined ? 'main thread' : `thread ${tid}`;
  try {
    const instance = new WebAssembly.Instance(module, imports(memory, counter));
    if (tid === undefined) {
      instance.exports._start();
      send({ kind: 'exit', code: 0 });
    } else {
      instance.exports.wasi_thread_start(tid, arg);
    }
  } catch (error) {
    if (error instanceof Exit) {
      if (tid === undefined || error.code !== 0) send({ kind: 'exit', code: error.code });
    } else {
      send({ kind: 'trap', where, error: String(error && error.stack ? error.stack : error) });
    }
  }
};
