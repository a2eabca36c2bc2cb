"""Runs wasm32-wasip1-threads programs under wasmtime (the engine of the `wasmtime` PyPI package),
as run.mjs runs them under Node: each program in a child process (so that a hang or a trap in any
thread ends it, with a time limit), its threads in Python threads, each with a store and an
instance of its own over one wasmtime `SharedMemory`. wasmtime runs the wasm of every thread at
once (a call into wasm releases Python's lock), with its own `memory.atomic.wait32`/`notify`.

Why not wasmtime's own wasi-threads: it is part of the `wasmtime` command (`-S threads`), not of
the C API that the PyPI package wraps, and that command is a long compile. So this host provides,
as run.mjs and the browser host do (browser/wasi.mjs), the few WASI calls these programs import
and `wasi.thread-spawn`, which starts a thread that instantiates the same module on the same
memory and calls `wasi_thread_start(tid, arg)`.

Usage: python run.py PROGRAM.wasm... [--expect-failure PROGRAM.wasm...]
Prints a line per program and "N passed, N failed"; exits non-zero if any result was not the
expected one.
"""

import ctypes
import itertools
import os
import subprocess
import sys
import threading
import time
from importlib.metadata import version
from pathlib import Path

import wasmtime
from wasmtime_support import SharedMemory, summary

# Must match build.rs (and run.mjs): the programs import a shared memory of 16 MiB, at most 1 GiB.
INITIAL_PAGES = 256
MAXIMUM_PAGES = 16384
TIME_LIMIT_S = 300


class ThreadExit(Exception):
    """`proc_exit(0)` in a spawned thread: that thread ends (as in run.mjs)."""


class Host:
    """One program: the engine, the module, the shared memory and the thread ids."""

    def __init__(self, path):
        config = wasmtime.Config()
        config.wasm_threads = True
        config.shared_memory = True
        self.engine = wasmtime.Engine(config)
        self.module = wasmtime.Module.from_file(self.engine, path)
        limits = wasmtime.Limits(INITIAL_PAGES, MAXIMUM_PAGES)
        self.memory = SharedMemory(self.engine, wasmtime.MemoryType(limits, shared=True))
        self.tids = itertools.count(1)
        self.tid_lock = threading.Lock()

    # Memory access for the host calls: the shared memory stays where it is when it grows.
    def base(self):
        return ctypes.addressof(self.memory.data_ptr().contents)

    def u32(self, address):
        return ctypes.c_uint32.from_address(self.base() + address).value

    def set_u32(self, address, value):
        ctypes.c_uint32.from_address(self.base() + address).value = value

    def bytes(self, address, length):
        return ctypes.string_at(self.base() + address, length)

    def calls(self, main):
        """The WASI calls these programs import (browser/wasi.mjs has the same)."""

        def fd_write(fd, iovs, count, written):
            total = 0
            for i in range(count):
                data = self.bytes(self.u32(iovs + 8 * i), self.u32(iovs + 8 * i + 4))
                os.write(1 if fd == 1 else 2, data)
                total += len(data)
            self.set_u32(written, total)
            return 0

        def proc_exit(code):
            if main or code != 0:
                sys.stdout.flush()
                os._exit(code)
            raise ThreadExit()

        def clock_time_get(_id, _precision, out):
            ctypes.c_uint64.from_address(self.base() + out).value = time.time_ns()
            return 0

        def environ_sizes_get(count, size):
            self.set_u32(count, 0)
            self.set_u32(size, 0)
            return 0

        def thread_spawn(arg):
            with self.tid_lock:
                tid = next(self.tids)
            threading.Thread(target=self.thread, args=(tid, arg), daemon=True).start()
            return tid

        return {
            ("wasi_snapshot_preview1", "fd_write"): fd_write,
            ("wasi_snapshot_preview1", "proc_exit"): proc_exit,
            ("wasi_snapshot_preview1", "clock_time_get"): clock_time_get,
            ("wasi_snapshot_preview1", "sched_yield"): lambda: 0,
            ("wasi_snapshot_preview1", "environ_sizes_get"): environ_sizes_get,
            ("wasi_snapshot_preview1", "environ_get"): lambda _environ, _buf: 0,
            ("wasi", "thread-spawn"): thread_spawn,
        }

    def instance(self, main):
        """A store and an instance of the module (the main thread's or a thread's)."""
        store = wasmtime.Store(self.engine)
        calls = self.calls(main)
        imports = []
        for item in self.module.imports:
            if isinstance(item.type, wasmtime.MemoryType):
                imports.append(self.memory)
            elif (item.module, item.name) in calls:
                imports.append(wasmtime.Func(store, item.type, calls[(item.module, item.name)]))
            else:
                raise RuntimeError(f"the program imports {item.module}.{item.name}, which this host lacks")
        return store, wasmtime.Instance(store, self.module, imports)

    def thread(self, tid, arg):
        try:
            store, instance = self.instance(main=False)
            instance.exports(store)["wasi_thread_start"](store, tid, arg)
        except ThreadExit:
            pass
        except BaseException as error:  # a trap in any thread ends the program
            die(f"thread {tid}", error)

    def start(self):
        try:
            store, instance = self.instance(main=True)
            instance.exports(store)["_start"](store)
        except BaseException as error:
            die("main thread", error)
        sys.stdout.flush()
        os._exit(0)


def die(where, error):
    sys.stdout.flush()
    os.write(2, f"{where}: {summary(error)}\n".encode())
    os._exit(134)


def main(args):
    if args[:1] == ["--child"]:
        Host(args[1]).start()
    split = args.index("--expect-failure") if "--expect-failure" in args else len(args)
    cases = [(p, False) for p in args[:split]] + [(p, True) for p in args[split + 1 :]]
    passed = failed = 0
    for path, expect_failure in cases:
        started = time.monotonic()
        try:
            child = subprocess.run(
                [sys.executable, __file__, "--child", path],
                stdout=None,
                stderr=subprocess.PIPE,
                timeout=TIME_LIMIT_S,
            )
            outcome = "exit 0" if child.returncode == 0 else f"exit {child.returncode}"
            stderr = child.stderr.decode(errors="replace").strip().split("\n")[:6]
            ok_run = child.returncode == 0
        except subprocess.TimeoutExpired:
            outcome, stderr, ok_run = f"time limit ({TIME_LIMIT_S} s)", [], False
        seconds = f"{time.monotonic() - started:.1f}"
        name = Path(path).name
        if ok_run != expect_failure:
            passed += 1
            why = f"{outcome}: {stderr[0]}" if stderr and stderr[0] else outcome
            verdict = f"failed as it must ({why})" if expect_failure else outcome
            print(f"ok      {name}: {verdict}, {seconds} s", flush=True)
        else:
            failed += 1
            verdict = "passed, but must fail without a lock" if expect_failure else outcome
            print(f"FAILED  {name}: {verdict}, {seconds} s", flush=True)
            if stderr and stderr != [""]:
                print("        " + "\n        ".join(stderr), flush=True)
    print(f"wasi-threads under wasmtime {version('wasmtime')}: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
