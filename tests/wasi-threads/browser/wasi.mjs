// The small WASI that the wasm32-wasip1-threads test programs import, shared by the Node host
// (../run.mjs) and the browser host (host.js): fd_write, proc_exit, clock_time_get, sched_yield,
// environ_* and `wasi.thread-spawn`. Each host says how to write, what time it is and how to
// start a thread.

/// Thrown by `proc_exit`; the host catches it and ends the program with `code`.
export class Exit extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/// The imports for one instance (the main thread's or a thread's) over the shared `memory`.
/// `write(fd, bytes)` gets a copy (a Uint8Array not backed by the shared buffer); `nanoseconds()`
/// returns a BigInt; `spawn(tid, arg)` starts thread `tid`, numbered here from `counter`.
export function wasiImports(memory, counter, { write, nanoseconds, spawn }) {
  const view = () => new DataView(memory.buffer);
  return {
    env: { memory },
    wasi_snapshot_preview1: {
      fd_write(fd, iovs, iovsLen, written) {
        let total = 0;
        for (let i = 0; i < iovsLen; i++) {
          const ptr = view().getUint32(iovs + 8 * i, true);
          const len = view().getUint32(iovs + 8 * i + 4, true);
          // A copy: neither Node's fs nor TextDecoder takes a view of a SharedArrayBuffer.
          write(fd, new Uint8Array(memory.buffer).slice(ptr, ptr + len));
          total += len;
        }
        view().setUint32(written, total, true);
        return 0;
      },
      proc_exit(code) {
        throw new Exit(code);
      },
      clock_time_get(_id, _precision, out) {
        view().setBigUint64(out, nanoseconds(), true);
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
        const tid = Atomics.add(counter, 0, 1) + 1;
        spawn(tid, arg);
        return tid;
      },
    },
  };
}
