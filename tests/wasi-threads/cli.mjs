// The command line of run.mjs and browser.mjs: `[FLAG...] PROGRAM.wasm... [--expect-failure
// PROGRAM.wasm...]`, the flags (among `known`) anywhere. Returns the flags that were given and the
// programs as `[path, expectFailure]` pairs, in order.
export function parseArgs(argv, known) {
  const flags = Object.fromEntries(known.map((flag) => [flag, argv.includes(flag)]));
  const programs = argv.filter((arg) => !known.includes(arg));
  const split = programs.indexOf('--expect-failure');
  const pass = split < 0 ? programs : programs.slice(0, split);
  const fail = split < 0 ? [] : programs.slice(split + 1);
  return { flags, cases: [...pass.map((p) => [p, false]), ...fail.map((p) => [p, true])] };
}
