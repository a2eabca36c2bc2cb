// The engine check (browser/stale-view-module.mjs) in Node: run with
// `node --no-wasm-stack-checks stale-view.mjs [TRIALS]`. V8 then never handles the grow interrupt
// inside wasm, so the worker's view stays stale every time, where normally it does only now and
// then. Exits non-zero if `memory.grow(0)` ever failed to prevent the trap; prints a notice (exit
// 0) if the engine shows no stale view at all.
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { newMemory, replies, runTrials, serve, verdict } from './browser/stale-view-module.mjs';

if (isMainThread) {
  const trials = Number(process.argv[2] || 20);
  const memory = newMemory();
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { memory } });
  const results = replies();
  worker.on('message', results.push);
  const { text, failed } = verdict(await runTrials(memory, results.next, trials), trials);
  await worker.terminate();
  console.log(text);
  process.exitCode = failed ? 1 : 0;
} else {
  serve(workerData.memory, (m) => parentPort.postMessage(m));
}
