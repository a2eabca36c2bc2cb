// A small wasm32-wasip1-threads host for Node: each program runs in a child process (so that a
// hang or a trap in any thread ends it, with a time limit), its threads in worker_threads over
// one shared WebAssembly.Memory. It implements the few WASI calls these programs import
// (browser/wasi.mjs, shared with the browser host) and `wasi.thread-spawn`, which starts a worker
// that instantiates the same module on the same memory and calls `wasi_thread_start(tid, arg)`.
//
// Usage: node run.mjs [--stale-views] PROGRAM.wasm... [--expect-failure PROGRAM.wasm...]
// `--stale-views` runs each program under V8's `--no-wasm-stack-checks`: a thread then never
// handles the interrupt by which V8 tells it that another thread grew memory, so its view of
// memory stays stale until it refreshes it itself, which `LockedAllocator` must do (see
// src/memory_view.rs and stale-view.mjs). Without the flag that happens only now and then.
// Prints a line per program and "N passed, N failed"; exits non-zero if any result was not the
// expected one.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { Exit, wasiImports } from './browser/wasi.mjs';
import { parseArgs } from './cli.mjs';

const SELF = fileURLToPath(import.meta.url);
// Must match build.rs: the programs import a shared memory of 16 MiB, at most 1 GiB.
const INITIAL_PAGES = 256;
const MAXIMUM_PAGES = 16384;
const TIME_LIMIT_MS = 300_000;

/// The imports for one instance (the main thread's or a worker's) over `memory`.
function imports(memory, module, counter) {
  return wasiImports(memory, counter, {
    write: (fd, bytes) => writeSync(fd === 1 ? 1 : 2, bytes),
    nanoseconds: () => process.hrtime.bigint(),
    spawn(tid, arg) {
      const worker = new Worker(SELF, { workerData: { module, memory, counter, tid, arg } });
      worker.unref();
    },
  });
}

/// A trap or an unexpected error in any thread ends the whole program: a thread that traps
/// would otherwise leave the others waiting for it for ever.
function die(where, error) {
  writeSync(2, `${where}: ${error && error.stack ? error.stack : error}\n`);
  process.kill(process.pid, 'SIGKILL');
}

if (!isMainThread) {
  // A thread: the same module on the same memory.
  const { module, memory, counter, tid, arg } = workerData;
  try {
    const instance = new WebAssembly.Instance(module, imports(memory, module, counter));
    instance.exports.wasi_thread_start(tid, arg);
  } catch (error) {
    if (!(error instanceof Exit && error.code === 0)) die(`thread ${tid}`, error);
  }
} else if (process.argv[2] === '--child') {
  // One program, in this (child) process.
  const module = new WebAssembly.Module(readFileSync(process.argv[3]));
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const counter = new Int32Array(new SharedArrayBuffer(4));
  let code = 0;
  try {
    const instance = new WebAssembly.Instance(module, imports(memory, module, counter));
    instance.exports._start();
  } catch (error) {
    if (error instanceof Exit) code = error.code;
    else die('main thread', error);
  }
  process.exit(code);
} else {
  const { flags, cases } = parseArgs(process.argv.slice(2), ['--stale-views']);
  const staleViews = flags['--stale-views'];
  const v8Flags = staleViews ? ['--no-wasm-stack-checks'] : [];
  let passed = 0;
  let failed = 0;
  for (const [path, expectFailure] of cases) {
    const started = Date.now();
    const child = spawnSync(process.execPath, [...v8Flags, SELF, '--child', path], {
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: TIME_LIMIT_MS,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const outcome = child.status === 0 ? 'exit 0' : child.signal ? `killed (${child.signal})` : `exit ${child.status}`;
    const stderr = child.stderr.toString().trim().split('\n').slice(0, 6).join('\n        ');
    const ok = (child.status === 0) !== expectFailure;
    const verdict = expectFailure ? `failed as it must (${outcome})` : outcome;
    if (ok) {
      passed += 1;
      console.log(`ok      ${basename(path)}: ${verdict}, ${seconds} s`);
    } else {
      failed += 1;
      console.log(`FAILED  ${basename(path)}: ${expectFailure ? `passed, but must fail without a lock` : outcome}, ${seconds} s`);
      if (stderr) console.log(`        ${stderr}`);
    }
  }
  console.log(`wasi-threads${staleViews ? ' (stale views)' : ''}: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}
