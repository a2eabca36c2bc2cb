"""Runs the WASI test programs under wasmtime (the engine of the `wasmtime` PyPI package, which
embeds wasmtime's own WASI), as run.mjs runs them under Node: the same argument, environment
variable and preopened directory that src/body.rs expects. Takes both kinds of program:

  - wasm32-wasip1 core modules, linked with wasmtime's WASI preview 1, started at `_start`;
  - wasm32-wasip2 components (WASI 0.2), linked with wasmtime's WASI 0.2, started through their
    `wasi:cli/run` export.

Usage: python tests/wasi/run.py PROGRAM.wasm... [--expect-failure PROGRAM.wasm...]
(with the venv of ci/tools.sh `ensure_wasmtime`). Prints a line per program and
"N passed, N failed"; exits non-zero if any result was not the expected one.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import wasmtime
from wasmtime import component

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "wasi-threads"))
from wasmtime_support import summary  # noqa: E402 (after the path it is found on)

ENV = [("ZEPTO_PROBE", "zepto-wasi-probe"), ("PATH", "/bin")]
# A component's preamble: magic, then version 0x0d and layer 1 (a core module has version 1,
# layer 0).
COMPONENT = b"\0asm\x0d\x00\x01\x00"


def wasi_config(name, sandbox):
    config = wasmtime.WasiConfig()
    config.argv = [name]
    config.env = ENV
    config.preopen_dir(sandbox, "/sandbox")
    config.inherit_stdout()
    config.inherit_stderr()
    return config


def run_module(engine, path, config):
    """A wasm32-wasip1 program: `_start` returns (or exits through `proc_exit`: `run_one`)."""
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, path))
    instance.exports(store)["_start"](store)
    return None


def run_component(engine, path, config):
    """A wasm32-wasip2 program: its `wasi:cli/run` export's `run` returns ok or err."""
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = component.Linker(engine)
    linker.add_wasip2()
    instance = linker.instantiate(store, component.Component.from_file(engine, path))
    # The interface's version is the one the program's std was built against (0.2.x).
    run = None
    for minor in range(16):
        interface = instance.get_export_index(store, f"wasi:cli/run@0.2.{minor}")
        if interface is not None:
            run = instance.get_func(store, instance.get_export_index(store, "run", interface))
            break
    if run is None:
        return "no wasi:cli/run export"
    return None if run(store).tag == "ok" else "run returned err"


def run_one(engine, path):
    """Runs one program; returns None when it succeeds, else what went wrong."""
    name = Path(path).stem
    sandbox = tempfile.mkdtemp(prefix=f"zepto-wasmtime-{name}-")
    try:
        config = wasi_config(name, sandbox)
        if Path(path).read_bytes()[:8] == COMPONENT:
            return run_component(engine, path, config)
        return run_module(engine, path, config)
    except wasmtime.ExitTrap as exit:
        # `proc_exit` (wasip1) or `wasi:cli/exit` (wasip2).
        return None if exit.code == 0 else f"exit code {exit.code}"
    except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
        # A trap ("unreachable" after a panic, an out-of-bounds access) ends up here.
        return "trapped: " + summary(error)
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)


def main(args):
    split = args.index("--expect-failure") if "--expect-failure" in args else len(args)
    cases = [(p, False) for p in args[:split]] + [(p, True) for p in args[split + 1 :]]
    if not cases:
        print("usage: python run.py PROGRAM.wasm... [--expect-failure PROGRAM.wasm...]", file=sys.stderr)
        return 2
    engine = wasmtime.Engine()
    passed = failed = 0
    for path, expect_failure in cases:
        outcome = run_one(engine, path)
        name = Path(path).name
        if (outcome is None) != expect_failure:
            passed += 1
            verdict = f"failed as it must ({outcome})" if expect_failure else "exit 0"
            print(f"ok      {name}: {verdict}", flush=True)
        else:
            failed += 1
            print(f"FAILED  {name}: {'passed, but must fail' if expect_failure else outcome}", flush=True)
    print(f"wasi under wasmtime {wasmtime_version()}: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def wasmtime_version():
    from importlib.metadata import version

    return version("wasmtime")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
