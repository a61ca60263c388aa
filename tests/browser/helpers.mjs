// Helpers of the browser tests: the real chat-pickup binary on a fresh database, a foreign
// shop page that embeds the widget, Debian's chromium driven by puppeteer-core (which
// downloads no browser), waiting with time limits, screenshots and the axe-core scan.

import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';

import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** How long any step waits for what it expects before it fails. */
export const TIMEOUT = 15_000;

/** Where screenshots go (CI keeps the folder). */
export const ARTIFACTS = resolve(process.env.CHAT_PICKUP_ARTIFACTS || join(here, '..', '..', 'target', 'browser'));

/** The demo's agents (`serve --demo`). */
export const TJE0 = { login: 'tje0', password: 'Tje0', name: 'Thomas Jensen' };
export const ANA0 = { login: 'ana0', password: 'Ana0', name: 'Ana Nilsen' };

// ---------------------------------------------------------------------------------------
// Waiting

/**
 * Polls `check` until it returns something truthy (which is returned), for at most
 * `timeout` ms; then fails naming `what`. Polling every 100 ms only finds out sooner: no
 * step depends on a fixed pause.
 */
export async function until(what, check, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let problem = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      problem = null;
    } catch (error) {
      problem = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeout / 1000} s for ${what}` + (problem ? ` (${problem.message})` : ''));
    }
    await delay(100);
  }
}

// ---------------------------------------------------------------------------------------
// The service

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/**
 * The binary (`CHAT_PICKUP_BIN`) on a new database with the demo's data, Support open to
 * pages of `supportOrigins`, serving on a free loopback port - with `tenant`, also a tenant
 * of that name with the demo's data (`/{tenant}/...`). `stop()` ends it.
 */
export async function startService({ supportOrigins, tenant }) {
  const bin = process.env.CHAT_PICKUP_BIN;
  if (!bin) throw new Error('CHAT_PICKUP_BIN must name the chat-pickup binary (cargo test --test api browser sets it)');
  const dir = mkdtempSync(join(tmpdir(), 'chat-pickup-browser-'));
  const db = join(dir, 'chat.db');
  const run = promisify(execFile);
  await run(bin, ['--db', db, 'demo']);
  await run(bin, ['--db', db, 'admin', 'set-topic-origins', '--topic', 'Support', '--origins', supportOrigins]);
  const tenants = [];
  if (tenant) {
    mkdirSync(join(dir, 'tenants'));
    await run(bin, ['--db', join(dir, 'tenants', `${tenant}.db`), 'demo']);
    tenants.push('--tenants-dir', join(dir, 'tenants'));
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  let log = '';
  const child = spawn(bin, ['--db', db, 'serve', '--demo', '--addr', `127.0.0.1:${port}`, ...tenants], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise((done) => child.on('exit', done));
  await until(`the service to answer on ${base}`, async () => {
    if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}: ${log}`);
    const answer = await fetch(base + 'widget.js').catch(() => null);
    return answer?.ok;
  });
  return {
    base,
    port,
    db,
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A call to the service's API as an agent, with Basic authentication (checks only). */
export async function api(service, agent, method, path, body) {
  const answer = await fetch(service.base + path, {
    method,
    headers: {
      Authorization: 'Basic ' + Buffer.from(`${agent.login}:${agent.password}`).toString('base64'),
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await answer.text();
  return { status: answer.status, data: text ? JSON.parse(text) : null };
}

/** Every session tje0 (a member of every demo topic) sees, by id. */
export async function sessions(service) {
  const { status, data } = await api(service, TJE0, 'GET', 'api/v1/ChatSession/ForCurrentUser');
  if (status !== 200) throw new Error(`ForCurrentUser answered ${status}`);
  return data;
}

// ---------------------------------------------------------------------------------------
// A shop of its own origin that embeds the widget

/**
 * A tiny web server for a shop page embedding the widget for `topic`: what a customer's
 * site does. Reached as http://localhost:PORT/ (`allowed`: the tests allow it in the topic)
 * or as http://127.0.0.1:PORT/ (`foreign`: another origin, not allowed). `embed(service)`
 * names the service whose widget.js the page loads (known only after the service starts,
 * which needs the shop's origin first).
 */
export async function startShop(topic) {
  let base = null;
  const page = () => `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nordlys Sko - nettbutikk</title>
<link rel="icon" href="data:,">
<script src="${base}widget.js" data-topic-id="${topic}" async></script>
</head>
<body>
<main>
<h1>Nordlys Sko</h1>
<p>Vintersko, fjellsko og joggesko. Lurer du på noe? Chat med oss nede til høyre.</p>
</main>
</body>
</html>
`;
  const server = createServer((request, response) => {
    if (base && (request.url === '/' || request.url.startsWith('/?'))) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(page());
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    port,
    allowed: `http://localhost:${port}`,
    foreign: `http://127.0.0.1:${port}`,
    embed(service) {
      base = service.base;
    },
    stop: () => new Promise((done) => server.close(done)),
  };
}

// ---------------------------------------------------------------------------------------
// The browser

/** Debian's chromium (or CHROME_PATH), headless. */
export async function launchBrowser() {
  const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [
      // As root (CI), chromium's sandbox cannot start.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      '--lang=en-GB',
    ],
    defaultViewport: { width: 1280, height: 800 },
  });
}

/**
 * A page in a browser context of its own (cookies and storage of its own: another person).
 * `locale` makes the page's browser speak that language: Accept-Language on every request,
 * navigator.language(s) and Intl. Uncaught errors and CSP violations are collected in
 * `page.problems`.
 */
export async function newPerson(browser, { locale = 'en-GB', timeZone = 'Europe/Oslo' } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const cdp = await page.createCDPSession();
  const language = locale.split('-')[0];
  await cdp.send('Network.setUserAgentOverride', {
    userAgent: await browser.userAgent(),
    acceptLanguage: `${locale},${language};q=0.9`,
  });
  await cdp.send('Emulation.setLocaleOverride', { locale });
  await page.emulateTimezone(timeZone);
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // What the test evaluates itself (axe-core's scan styles elements as it measures) comes
    // from pptr: URLs and is not the page's.
    const from = message.location()?.url || '';
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()) && !from.startsWith('pptr:')) {
      page.problems.push(`CSP: ${message.text()} (${from})`);
    }
  });
  return page;
}

// ---------------------------------------------------------------------------------------
// Reading and using the pages

/**
 * What `selector` matches, in the page (`scope` 'page') or inside the widget's shadow root
 * ('widget'): each element's text (white space collapsed), whether it shows, its data-*
 * attributes and whether it is disabled.
 */
export function read(page, scope, selector) {
  return page.evaluate(
    (scope, selector) => {
      const root = scope === 'widget' ? document.querySelector('chat-pickup-widget')?.shadowRoot : document;
      if (!root) return [];
      return [...root.querySelectorAll(selector)].map((el) => ({
        text: (el.textContent || '').replace(/\s+/g, ' ').trim(),
        value: 'value' in el ? el.value : undefined,
        shown: el.getClientRects().length > 0,
        data: { ...el.dataset },
        disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true',
      }));
    },
    scope,
    selector,
  );
}

/** The CSS selector of a data-testid, within the widget's shadow root when `scope` is 'widget'. */
export function hook(scope, testid, more = '') {
  const inner = `[data-testid="${testid}"]${more}`;
  return scope === 'widget' ? `chat-pickup-widget >>> ${inner}` : inner;
}

/** Waits until the element shows and is enabled, then clicks it. */
export async function click(page, scope, testid, more = '') {
  await page.locator(hook(scope, testid, more)).setTimeout(TIMEOUT).click();
}

/** Replaces the text of a field. */
export async function fill(page, scope, testid, text) {
  await page.locator(hook(scope, testid)).setTimeout(TIMEOUT).fill(text);
}

/** Waits until a shown element with that data-testid has text matching `want` (a string it
 *  must contain, or a RegExp); its text. */
export async function waitForText(page, scope, testid, want, more = '') {
  const matches = (text) => (want instanceof RegExp ? want.test(text) : text.includes(want));
  let seen = [];
  try {
    const found = await until(`${testid}${more} to show ${want}`, async () => {
      seen = (await read(page, scope, `[data-testid="${testid}"]${more}`)).filter((one) => one.shown);
      return seen.find((one) => matches(one.text));
    });
    return found.text;
  } catch (error) {
    error.message += `; it showed: ${JSON.stringify(seen.map((one) => one.text))}`;
    throw error;
  }
}

/** The widget's messages, in order. */
export async function widgetMessages(page) {
  return (await read(page, 'widget', '[data-testid="chat-message"]')).map((one) => ({
    id: one.data.messageId,
    type: one.data.type,
    special: one.data.specialType,
    text: one.text,
  }));
}

/** The console's messages of the open conversation, in order. */
export async function consoleMessages(page) {
  return (await read(page, 'page', '#conversation [data-testid="message"]')).map((one) => ({
    id: one.data.messageId,
    type: one.data.type,
    special: one.data.specialType,
    text: one.text,
  }));
}

/** Signs an agent in on the console (`base`/console). */
export async function signIn(page, base, agent) {
  await page.goto(base + 'console');
  await fill(page, 'page', 'username', agent.login);
  await fill(page, 'page', 'password', agent.password);
  await click(page, 'page', 'sign-in');
  await waitForText(page, 'page', 'signed-in-name', agent.login);
}

/** A session's row on the console, once it shows with `want` (data-* attributes) true. */
export async function sessionRow(page, id, want = {}) {
  const selector = `[data-testid="session-row"][data-session-id="${id}"]`;
  return until(`session ${id}'s row on the console` + (Object.keys(want).length ? ` with ${JSON.stringify(want)}` : ''), async () => {
    const [row] = await read(page, 'page', selector);
    return row && Object.entries(want).every(([key, value]) => row.data[key] === value) && row;
  });
}

// ---------------------------------------------------------------------------------------
// Screenshots

/** Screenshots numbered in the order taken, per story: `target/browser/<story>-NN-<step>.png`. */
export function camera(story) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const old of readdirSync(ARTIFACTS)) {
    if (old.startsWith(`${story}-`) && old.endsWith('.png')) rmSync(join(ARTIFACTS, old));
  }
  let taken = 0;
  return async function shot(page, step) {
    taken += 1;
    const file = join(ARTIFACTS, `${story}-${String(taken).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file });
    return file;
  };
}

/** Copies a screenshot into docs/images (the README's pictures) when asked to. */
export function keepForDocs(file, name) {
  if (!process.env.CHAT_PICKUP_UPDATE_DOCS_IMAGES) return;
  const target = join(here, '..', '..', 'docs', 'images', name);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, readFileSync(file));
}

// ---------------------------------------------------------------------------------------
// Accessibility

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's scan of the page as it shows now (into the widget's open shadow root too): how
 * many rules applied, the serious and critical violations and the lesser ones, each with the
 * elements it found. The script is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the page is
 * scanned under its real policy.
 */
export async function scan(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const { violations, passes } = await axe.run(document, { resultTypes: ['violations'] });
    return {
      rules: passes.length + violations.length,
      violations: violations.map((one) => ({
        id: one.id,
        impact: one.impact,
        help: one.help,
        nodes: one.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
      })),
    };
  });
  const serious = result.violations.filter((one) => one.impact === 'serious' || one.impact === 'critical');
  const lesser = result.violations.filter((one) => !serious.includes(one));
  return { rules: result.rules, serious, lesser };
}

/** Every violation on a line of its own, for the assertion's message. */
export function describeViolations(violations) {
  return violations
    .map((one) => `${one.impact} ${one.id} (${one.help}):\n` + one.nodes.map((node) => `    ${node}`).join('\n'))
    .join('\n');
}
