"""Counts the wasm instructions one workload of a benchmark module executes, for the benchmark's
`--instructions` mode (ci/bench/runner/src/instructions.rs).

Usage: python fuel.py MODULE.wasm EXPORT ARG...

Runs EXPORT(ARG...) once in a fresh instance under wasmtime with fuel metering on, and prints
`instructions N` (the fuel the call consumed: about one unit per wasm operator executed, a few
structural operators free; wasmtime's own accounting, stable for one wasmtime version) and
`calls N` (the module's own count of
allocator calls during the run). Only the call is counted, not the instantiation: the count is
the same on every run and every machine, for a given module and wasmtime version.
"""

import sys

import wasmtime

FUEL = 10**15


def main() -> None:
    path, export, *args = sys.argv[1:]
    config = wasmtime.Config()
    config.consume_fuel = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, path)
    instance = wasmtime.Instance(store, module, [])
    exports = instance.exports(store)
    store.set_fuel(FUEL)
    exports[export](store, *map(int, args))
    used = FUEL - store.get_fuel()
    print(f"instructions {used}")
    print(f"calls {exports['calls'](store)}")


if __name__ == "__main__":
    main()
