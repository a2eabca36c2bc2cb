// The command line of run.mjs and browser.mjs: `[FLAG...] PROGRAM.wasm... [--expect-failure
// PROGRAM.wasm...]`, the flags (among `known`) anywhere.
export function parseArgs(argv, known) {
  const flags = Object.fromEntries(known.map((flag) => [flag, argv.includes(flag)]));
  const programs = argv.filter((arg) => !known.includes(arg));
  const split = programs.indexOf('--expect-failure');
  return {
    flags,
    pass: split < 0 ? programs : programs.slice(0, split),
    fail: split < 0 ? [] : programs.slice(split + 1),
  };
}
