// One wasm32-wasip1-threads thread, in a dedicated worker of the page (index.html): the program's
// main thread (`_start`) or a thread it spawned (`wasi_thread_start`). The same small WASI as
// ../run.mjs (fd_write, proc_exit, clock_time_get, sched_yield, environ_*, thread-spawn), with
// output, spawn requests and the outcome sent to the page on a BroadcastChannel. The program's main thread runs in
// a worker too, because the page's own thread may not block (`memory.atomic.wait32` traps there).
const channel = new BroadcastChannel('wasi-threads');
const send = (message) => channel.postMessage(message);

class Exit extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function imports(memory, module, counter) {
  const view = () => new DataView(memory.buffer);
  return {
    env: { memory },
    wasi_snapshot_preview1: {
      fd_write(fd, iovs, iovsLen, written) {
        let total = 0;
        let text = '';
        for (let i = 0; i < iovsLen; i++) {
          const ptr = view().getUint32(iovs + 8 * i, true);
          const len = view().getUint32(iovs + 8 * i + 4, true);
          // TextDecoder refuses views of a SharedArrayBuffer: copy first.
          text += new TextDecoder().decode(new Uint8Array(memory.buffer).slice(ptr, ptr + len));
          total += len;
        }
        send({ kind: 'output', fd, text });
        view().setUint32(written, total, true);
        return 0;
      },
      proc_exit(code) {
        throw new Exit(code);
      },
      clock_time_get(_id, _precision, out) {
        view().setBigUint64(out, BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)), true);
        return 0;
      },
      sched_yield() {
        return 0;
      },
      environ_sizes_get(count, size) {
        view().setUint32(count, 0, true);
        view().setUint32(size, 0, true);
        return 0;
      },
      environ_get() {
        return 0;
      },
    },
    wasi: {
      'thread-spawn'(arg) {
        // The page starts the worker: a worker that this thread started would not start while
        // this thread blocks (in `join`, say), since a nested worker is started by its parent.
        const tid = Atomics.add(counter, 0, 1) + 1;
        send({ kind: 'spawn', tid, arg });
        return tid;
      },
    },
  };
}

onmessage = ({ data: { module, memory, counter, tid, arg } }) => {
  const where = tid === undefined ? 'main thread' : `thread ${tid}`;
  try {
    const instance = new WebAssembly.Instance(module, imports(memory, module, counter));
    if (tid === undefined) {
      instance.exports._start();
      send({ kind: 'exit', code: 0 });
    } else {
      instance.exports.wasi_thread_start(tid, arg);
    }
  } catch (error) {
    if (error instanceof Exit) {
      if (tid === undefined || error.code !== 0) send({ kind: 'exit', code: error.code, where });
    } else {
      send({ kind: 'trap', where, error: String(error && error.stack ? error.stack : error) });
    }
  }
};
