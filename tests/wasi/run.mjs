// Runs wasm32-wasip1 test programs under Node's WASI (node:wasi), each with the environment
// variable and the preopened directory that src/body.rs expects (run.py runs them, and the
// wasm32-wasip2 ones, under wasmtime). Usage:
//   node --single-threaded-gc tests/wasi/run.mjs PROGRAM.wasm... [--expect-failure PROGRAM.wasm...]
// (ci/test.sh says why the flag). Programs after `--expect-failure` must fail (negative
// controls). Prints a line per program and "N passed, N failed"; exits non-zero if any result
// was not the expected one.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { WASI } from 'node:wasi';
import { parseArgs } from '../wasi-threads/cli.mjs';

/// Runs one program; returns null when it exits with 0, else what went wrong.
async function runOne(path) {
  const name = basename(path, '.wasm');
  const sandbox = await mkdtemp(join(tmpdir(), `zepto-wasi-${name}-`));
  const wasi = new WASI({
    version: 'preview1',
    args: [name],
    env: { ZEPTO_PROBE: 'zepto-wasi-probe', PATH: '/bin' },
    preopens: { '/sandbox': sandbox },
    returnOnExit: true,
  });
  try {
    const module = await WebAssembly.compile(await readFile(path));
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    const code = wasi.start(instance);
    return code === 0 ? null : `exit code ${code}`;
  } catch (error) {
    // A trap ("memory access out of bounds", or "unreachable" after a panic) ends up here.
    return `trapped: ${error}`;
  } finally {
    await rm(sandbox, { recursive: true, force: true });
  }
}

const { cases } = parseArgs(process.argv.slice(2), []);
if (cases.length === 0) {
  console.error('usage: node run.mjs PROGRAM.wasm... [--expect-failure PROGRAM.wasm...]');
  process.exitCode = 2;
} else {
  let passed = 0;
  let failed = 0;
  for (const [path, expectFailure] of cases) {
    const outcome = await runOne(path);
    if ((outcome === null) !== expectFailure) {
      passed += 1;
      console.log(`ok      ${basename(path)}${expectFailure ? `: failed as it must (${outcome})` : ''}`);
    } else {
      failed += 1;
      console.log(`FAILED  ${basename(path)}: ${expectFailure ? 'passed, but must fail' : outcome}`);
    }
  }
  console.log(`wasi: ${passed} passed, ${failed} failed`);
  // Not process.exit(): it can cut off output still on its way to a pipe.
  process.exitCode = failed === 0 ? 0 : 1;
}
