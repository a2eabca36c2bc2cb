"""Replays the matrix's tapes under wasmtime (the engine of the `wasmtime` PyPI package): each
optimised module of the configuration matrix gets, in the same order, every call that run.mjs
made to it under Node and every write the driver made to its memory; every result must be the
one Node got (a trap where Node trapped), and at the end of each phase memory must have the same
size and the same contents (SHA-256). A wasm module is deterministic, so a correct engine must
repeat Node's run exactly; run.mjs checked that run for alignment, bounds, overlap, contents and
growth, so the same checks hold under wasmtime.

Usage: python replay.py TAPES LABEL=PATH.wasm... [--expect-failure LABEL=PATH.wasm...]
TAPES is run.mjs's `--tape` directory. A module passes when it matches Node's run and did not
trap; modules after `--expect-failure` must trap (negative controls). Prints a line per module
and "N passed, N failed"; exits non-zero if any result was not the expected one.
"""

import ctypes
import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import wasmtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "wasi-threads"))
from wasmtime_support import SharedMemory, summary  # noqa: E402 (after the path it is found on)

PAGE = 65536
# Must match run.mjs: a threads module's shared memory (32 pages to start, the 64 MiB maximum it
# was linked with) and the pattern of block contents, byte i being (i * 131) mod 256.
SHARED_LIMITS = (32, 1024)
PATTERN = bytes((i * 131) & 0xFF for i in range(256)) * ((2 << 20) // 256 + 2)


class Mismatch(Exception):
    """The module under wasmtime did not repeat Node's run."""


class Trapped(Exception):
    """The module trapped where it trapped under Node."""


def engine():
    config = wasmtime.Config()
    config.wasm_threads = True
    config.shared_memory = True
    return wasmtime.Engine(config)


def instantiate(engine, path):
    """The module with run.mjs's imports: a shared memory if it imports one, and any other import
    (a WASI call; the probes make none) as a trap. Returns the store, exports and memory."""
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, path)
    imports = []
    for item in module.imports:
        if isinstance(item.type, wasmtime.MemoryType):
            limits = wasmtime.Limits(*SHARED_LIMITS)
            imports.append(SharedMemory(engine, wasmtime.MemoryType(limits, shared=True)))
        elif isinstance(item.type, wasmtime.FuncType):
            name = f"{item.module}.{item.name}"

            def trap(*_args, name=name):
                raise RuntimeError(f"unexpected import call {name}")

            imports.append(wasmtime.Func(store, item.type, trap))
        else:
            raise RuntimeError(f"unexpected import {item.module}.{item.name}")
    exports = wasmtime.Instance(store, module, imports).exports(store)
    return store, exports, exports["memory"]


class Memory:
    """The module's memory, shared or not, as an address and a length."""

    def __init__(self, store, memory):
        self.store, self.memory = store, memory
        self.shared = isinstance(memory, wasmtime.SharedMemory)

    def span(self):
        if self.shared:
            return ctypes.addressof(self.memory.data_ptr().contents), self.memory.data_len()
        return ctypes.addressof(self.memory.data_ptr(self.store).contents), self.memory.data_len(self.store)


def replay(engine, path, tape):
    """Replays `tape` on the module at `path`; returns what it did, or raises Mismatch/Trapped."""
    store, exports, memory = instantiate(engine, path)
    memory = Memory(store, memory)
    funcs = {}
    calls = phases = 0
    for entry in tape:
        if entry[0] == "call":
            _, name, args, expected = entry
            func = funcs.get(name) or funcs.setdefault(name, exports[name])
            calls += 1
            try:
                result = func(store, *args)
            except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
                if expected == "trap":
                    raise Trapped(f"trapped in {name}{tuple(args)} as under Node") from None
                raise Mismatch(f"call {calls}: {name}{tuple(args)} trapped ({summary(error)}); Node got {expected}") from None
            result = (result or 0) & 0xFFFFFFFF
            if expected == "trap":
                raise Mismatch(f"call {calls}: {name}{tuple(args)} returned {result}; Node trapped")
            if result != expected:
                raise Mismatch(f"call {calls}: {name}{tuple(args)} returned {result}; Node got {expected}")
        elif entry[0] == "fill":
            _, ptr, k, size = entry
            base, length = memory.span()
            if ptr + size > length:
                raise Mismatch(f"a fill of {ptr}+{size} is outside memory ({length} bytes)")
            ctypes.memmove(base + ptr, PATTERN[k : k + size], size)
        elif entry[0] == "memory":
            _, pages, digest = entry
            base, length = memory.span()
            if length != pages * PAGE:
                raise Mismatch(f"phase {phases + 1}: {length // PAGE} pages; Node had {pages}")
            if hashlib.sha256(ctypes.string_at(base, length)).hexdigest() != digest:
                raise Mismatch(f"phase {phases + 1}: memory's contents differ from Node's")
            phases += 1
        else:
            raise RuntimeError(f"unknown tape entry {entry[0]}")
    if phases == 0:
        raise Mismatch("the tape has no checkpoint: Node's run ended early")
    return f"{calls} calls and {phases} memory checks as under Node"


def main(args):
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    tapes, args = Path(args[0]), args[1:]
    split = args.index("--expect-failure") if "--expect-failure" in args else len(args)
    cases = [(a, False) for a in args[:split]] + [(a, True) for a in args[split + 1 :]]
    wasmtime_engine = engine()
    passed = failed = 0
    for arg, expect_failure in cases:
        label, path = arg.split("=", 1)
        tape = json.loads((tapes / f"{label.replace('/', '_')}.json").read_text())
        try:
            ok, text = True, replay(wasmtime_engine, path, tape)
        except Trapped as trapped:
            ok, text = False, str(trapped)
        except Mismatch as mismatch:
            # Never what a negative control must do: it must trap as under Node.
            ok, text, expect_failure = False, f"differs from Node: {mismatch}", False
        if ok != expect_failure:
            passed += 1
            print(f"ok      {label}: {f'failed as it must ({text})' if expect_failure else text}", flush=True)
        else:
            failed += 1
            print(f"FAILED  {label}: {'passed, but must fail' if expect_failure else text}", flush=True)
    print(f"matrix under wasmtime {version('wasmtime')}: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
