// Starts the real all-in-one server (`plenary serve --demo`) on a free port with a fresh data
// directory, and headless Debian Chromium driven by playwright-core.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const webDist = join(repoRoot, 'clients/web/dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The address `plenary serve` prints once it listens (and once the demo is seeded). */
async function listeningUrl(server, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = /listening on (http:\/\/[\w.:[\]]+)/.exec(log.join(''));
    if (found) return found[1];
    if (server.exitCode !== null) throw new Error(`plenary exited with ${server.exitCode}:\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`plenary did not say where it listens within ${timeoutMs} ms:\n${log.join('')}`);
}

/** The server binary: `PLENARY_BIN`, or `target/debug/plenary` built now (a no-op when fresh). */
function serverBinary() {
  if (process.env.PLENARY_BIN) return process.env.PLENARY_BIN;
  const build = spawnSync('cargo', ['build', '-p', 'plenary', '--bin', 'plenary'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('cargo build -p plenary failed');
  return join(repoRoot, 'target/debug/plenary');
}

async function waitForHttp(url, server, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`plenary exited with ${server.exitCode}:\n${log.join('')}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`plenary did not answer ${url} within ${timeoutMs} ms:\n${log.join('')}`);
}

/**
 * A running demo server. `demoPeople` is the server's own list of demo people with their tokens.
 */
export async function startServer() {
  // Against a server already running (while developing): its demo must be fresh for the flows.
  if (process.env.PLENARY_E2E_BASE_URL) {
    const baseUrl = process.env.PLENARY_E2E_BASE_URL.replace(/\/$/, '');
    const body = await (await fetch(`${baseUrl}/api/demo/people`)).json();
    return { baseUrl, demoPeople: Array.isArray(body) ? body : body.people, log: [], stop: async () => undefined };
  }
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new Error(`${webDist} is missing: run \`npm run build\` in clients/web first`);
  }
  const binary = serverBinary();
  const dataDir = mkdtempSync(join(tmpdir(), 'plenary-e2e-'));
  const log = [];
  // Port 0: the server picks a free port and prints where it listens.
  const server = spawn(binary, ['serve', '--demo'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PLENARY_LISTEN: '127.0.0.1:0',
      PLENARY_STORE: join(dataDir, 'plenary.db'),
      PLENARY_DATA_DIR: dataDir,
      PLENARY_WEB_DIR: webDist,
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (chunk) => log.push(chunk.toString()));
  server.stderr.on('data', (chunk) => log.push(chunk.toString()));
  const baseUrl = await listeningUrl(server, log, 60_000);
  await waitForHttp(`${baseUrl}/api/demo/people`, server, log, 60_000);
  const demoPeople = await (await fetch(`${baseUrl}/api/demo/people`)).json();
  return {
    baseUrl,
    demoPeople: Array.isArray(demoPeople) ? demoPeople : demoPeople.people,
    log,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh browser context (its own storage: one signed-in person) and a page in it. */
export async function newPerson(browser, baseUrl, { locale = 'en-GB', timezoneId = 'Europe/Zurich', viewport } = {}) {
  const context = await browser.newContext({ baseURL: baseUrl, locale, timezoneId, viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (dialog) => void dialog.accept());
  return { context, page };
}

/** Signs in through the page: the demo picker, as a person would. */
export async function signInAs(page, person) {
  await page.goto('/signin');
  await page.locator(`button[data-person="${person}"]`).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page) {
  const source = readFileSync(join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
