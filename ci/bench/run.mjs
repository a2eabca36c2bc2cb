// Runs the benchmark plan the bench runner (ci/bench/runner) writes, and prints one tab-separated
// line per run: round, allocator, workload, nanoseconds, allocator calls, peak live bytes, bytes
// of linear memory grown.
//
// Every run gets a fresh instance (an empty heap); rounds interleave the allocators, in an order
// that rotates each round, so drift in the machine's speed spreads over all of them. Run with
// `node --no-liftoff` so every function is optimised before it is timed.
//
// Usage: node --no-liftoff ci/bench/run.mjs <plan.json>
import { readFileSync } from "node:fs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const modules = plan.modules.map(({ name, path }) => ({
  name,
  module: new WebAssembly.Module(readFileSync(path)),
}));

for (let round = 0; round < plan.rounds; round++) {
  for (const workload of plan.workloads) {
    for (let i = 0; i < modules.length; i++) {
      const { name, module } = modules[(i + round) % modules.length];
      const instance = new WebAssembly.Instance(module, {});
      const exports = instance.exports;
      const before = exports.memory.buffer.byteLength;
      const start = process.hrtime.bigint();
      exports[workload.export](...workload.args);
      const nanoseconds = process.hrtime.bigint() - start;
      const grown = exports.memory.buffer.byteLength - before;
      console.log(
        [round, name, workload.name, nanoseconds, exports.calls(), exports.peak_live(), grown].join("\t"),
      );
    }
  }
}
