// Records the allocation traces in ci/bench/trace/ from the tracer module (see ci/bench/tracer):
// each program of ci/bench/programs once, in a fresh instance, to DIR/NAME.trace.
// Usage: node ci/bench/record-trace.mjs <tracer.wasm> <DIR> [NAME...]   (all programs by default)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [wasmPath, dir, ...only] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
const names = (() => {
  const { exports } = new WebAssembly.Instance(module, {});
  return Array.from({ length: exports.programs() }, (_, i) =>
    new TextDecoder().decode(new Uint8Array(exports.memory.buffer, exports.program_name(i), exports.program_name_len(i))),
  );
})();
for (const [index, name] of names.entries()) {
  if (only.length > 0 && !only.includes(name)) continue;
  const { exports } = new WebAssembly.Instance(module, {});
  const checksum = exports.record(index, 1);
  const ptr = exports.trace_ptr();
  const len = exports.trace_len();
  const bytes = new Uint8Array(exports.memory.buffer, ptr, len);
  const output = join(dir, `${name}.trace`);
  writeFileSync(output, bytes);
  const ids = new DataView(exports.memory.buffer, ptr, 4).getUint32(0, true);
  console.log(`${name}: ${(len - 4) / 14} calls on ${ids} blocks (checksum ${checksum}) -> ${output}`);
}
