// Runs wasm32-wasip1-threads programs in headless Chromium or Firefox, as run.mjs runs them in
// Node: each program in a fresh browser, its threads in dedicated workers over one shared memory
// (browser/host.js), on a page served here with the headers that make it cross-origin isolated
// (shared memory needs them). Drives Chromium through chromedriver ($CHROMEDRIVER, or the one on
// PATH), or with `--firefox` Firefox through geckodriver ($GECKODRIVER, or the one on PATH), over
// WebDriver.
//
// Usage: node browser.mjs [--firefox] [--stale-views] [--engine-check] PROGRAM.wasm...
//                         [--expect-failure PROGRAM.wasm...]
// `--stale-views` passes V8 `--no-wasm-stack-checks` (see run.mjs; Chromium only);
// `--engine-check` first runs the check of stale-view.mjs in the browser
// (browser/stale-view.html). Prints the browser's version, a line per program and "N passed,
// N failed"; exits non-zero if any result was not the expected one.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './cli.mjs';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'browser');
const TIME_LIMIT_MS = Number(process.env.TIME_LIMIT_MS || 300_000);

const { flags, cases } = parseArgs(process.argv.slice(2), ['--firefox', '--stale-views', '--engine-check']);
const firefox = flags['--firefox'];
const staleViews = flags['--stale-views'];
const engineCheck = flags['--engine-check'];
if (firefox && staleViews) throw new Error('--stale-views is a V8 flag: Chromium only');
const BROWSER = firefox ? 'Firefox' : 'Chromium';
const programs = new Map(cases.map(([path]) => [basename(path), path]));

// The page, its host and the programs, with cross-origin isolation.
const server = createServer((request, response) => {
  const name = basename(new URL(request.url, 'http://localhost').pathname) || 'index.html';
  const path = programs.get(name) ?? join(PAGE_DIR, name);
  const type = name.endsWith('.wasm') ? 'application/wasm' : name.endsWith('.html') ? 'text/html' : 'text/javascript';
  // Only the page's own files and the programs named on the command line.
  try {
    const body = readFileSync(path);
    response.writeHead(200, {
      'Content-Type': type,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    response.end(body);
  } catch {
    response.writeHead(404);
    response.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const site = `http://localhost:${server.address().port}`;

const driverPort = 9600 + Math.floor(Math.random() * 300);
const driver = firefox
  ? spawn(process.env.GECKODRIVER || 'geckodriver', ['--port', `${driverPort}`], { stdio: 'ignore' })
  : spawn(process.env.CHROMEDRIVER || 'chromedriver', [`--port=${driverPort}`], { stdio: 'ignore' });
const webdriver = async (method, path, body) => {
  const response = await fetch(`http://127.0.0.1:${driverPort}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return (await response.json()).value;
};
for (let i = 0; ; i++) {
  try {
    if ((await webdriver('GET', '/status')).ready) break;
  } catch {}
  if (i === 100) throw new Error(`the WebDriver for ${BROWSER} did not start`);
  await new Promise((r) => setTimeout(r, 100));
}

const capabilities = firefox
  ? { browserName: 'firefox', 'moz:firefoxOptions': { args: ['-headless'] } }
  : { 'goog:chromeOptions': { args: ['--headless=new', '--no-sandbox', ...(staleViews ? ['--js-flags=--no-wasm-stack-checks'] : [])] } };
let browserVersion;
/// Opens `page` in a fresh browser and returns its #out text once it holds a RESULT line (or
/// the time limit passes), with the outcome apart.
async function run(page) {
  const started = Date.now();
  const session = await webdriver('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
  const { sessionId } = session;
  if (!sessionId) throw new Error(`the WebDriver could not start ${BROWSER}: ${session.message ?? JSON.stringify(session)}`);
  if (!browserVersion) {
    browserVersion = session.capabilities?.browserVersion;
    console.log(`${BROWSER} ${browserVersion}`);
  }
  let text = '';
  try {
    await webdriver('POST', `/session/${sessionId}/url`, { url: `${site}/${page}` });
    while (!/^RESULT /m.test(text) && Date.now() - started < TIME_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, 200));
      const value = await webdriver('POST', `/session/${sessionId}/execute/sync`, {
        script: 'return document.getElementById("out").textContent',
        args: [],
      });
      // A string, or an error object when the page is gone (then wait for the time limit).
      if (typeof value === 'string') text = value;
    }
  } finally {
    await webdriver('DELETE', `/session/${sessionId}`);
  }
  return {
    outcome: (text.match(/^RESULT (.*)$/m) ?? [null, 'time limit'])[1],
    output: text.replace(/^RESULT .*$/m, '').trim().split('\n'),
    seconds: ((Date.now() - started) / 1000).toFixed(1),
  };
}

let passed = 0;
let failed = 0;
try {
  if (engineCheck) {
    const { outcome, output } = await run('stale-view.html');
    console.log(output.join('\n'));
    if (outcome !== 'exit 0') {
      failed += 1;
      console.log(`FAILED  the engine check: ${outcome}`);
    }
  }
  for (const [path, expectFailure] of cases) {
    const { outcome, output, seconds } = await run(`index.html?wasm=${basename(path)}`);
    const ok = (outcome === 'exit 0') !== expectFailure;
    if (ok) {
      passed += 1;
      if (!expectFailure && output[0]) console.log(output[0]);
      console.log(`ok      ${basename(path)}: ${expectFailure ? `failed as it must (${outcome})` : outcome}, ${seconds} s`);
    } else {
      failed += 1;
      console.log(`FAILED  ${basename(path)}: ${expectFailure ? 'passed, but must fail' : outcome}, ${seconds} s`);
      console.log(`        ${output.slice(0, 6).join('\n        ')}`);
    }
  }
} finally {
  driver.kill();
  server.close();
}
console.log(`wasi-threads in ${BROWSER} ${browserVersion}${staleViews ? ' (stale views)' : ''}: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
