// Records ci/bench/trace/json-markdown.trace from the tracer module (see ci/bench/tracer).
// Usage: node ci/bench/record-trace.mjs <tracer.wasm> <renders> <output>
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, renders, output] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const html = instance.exports.record(Number(renders));
const ptr = instance.exports.trace_ptr();
const len = instance.exports.trace_len();
const bytes = new Uint8Array(instance.exports.memory.buffer, ptr, len);
writeFileSync(output, bytes);
const ids = new DataView(bytes.buffer, ptr, 4).getUint32(0, true);
console.log(`${(len - 4) / 14} calls on ${ids} blocks (checksum ${html}) -> ${output}`);
