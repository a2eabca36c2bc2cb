"""What the wasmtime hosts share (run.py here, ../wasi/run.py, ../matrix/replay.py): a shared
memory that can be given as an import, and a trap's message in a line.
"""

import wasmtime
from wasmtime import _ffi as ffi


class SharedMemory(wasmtime.SharedMemory):
    """A `wasmtime.SharedMemory` that instantiation accepts. The `wasmtime` PyPI package 51.0.0
    passes a pointer to the shared memory's pointer where the C API takes the pointer
    (`SharedMemory._as_extern`), so instantiating a module that imports a shared memory fails
    with "incompatible types, LP_LP_wasmtime_sharedmemory instance instead of
    LP_wasmtime_sharedmemory instance". This passes the pointer itself."""

    def _as_extern(self):
        union = ffi.wasmtime_extern_union(sharedmemory=self.ptr())
        return ffi.wasmtime_extern_t(ffi.WASMTIME_EXTERN_SHAREDMEMORY, union)


def summary(error):
    """A trap or error in one line: wasmtime's cause ("memory fault at wasm address 0x…: wasm
    trap: out of bounds memory access") rather than the backtrace that comes first."""
    lines = [line.strip() for line in str(error).strip().split("\n")]
    if "Caused by:" in lines:
        causes = lines[lines.index("Caused by:") + 1 :]
        return ": ".join(c.split(": ", 1)[1] if c[:1].isdigit() else c for c in causes if c)
    return lines[0]
