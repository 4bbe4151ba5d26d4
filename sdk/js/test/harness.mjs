// Shared by the browser tests: builds the test bundle, serves test pages, runs a mock botsieve
// service on another origin (so CORS is real), and launches Debian's Chromium.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { problems } from './contract.mjs';
import { HANG_CEILING_MS, patient, waitUntil } from './patience.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export async function testBundle() {
  const result = await build({
    entryPoints: [resolve(root, 'test/unit/entry.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2018',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

export function scriptBuild() {
  const file = resolve(root, 'dist/botsieve.min.js');
  if (!existsSync(file)) throw new Error('dist/botsieve.min.js is missing: run `npm run build`');
  return readFileSync(file, 'utf8');
}

export const PAGE = (
  script,
) => `<!doctype html><html><head><meta charset="utf-8"><title>test</title>
<style>body{margin:0;font:16px sans-serif} .at{position:absolute;left:100px}</style></head><body>
<button id="btn" class="at" style="top:100px;width:120px;height:40px">Go</button>
<span id="count" class="at" style="top:160px">0</span>
<input id="name" name="name" class="at" style="top:200px;width:200px">
<textarea id="answer" class="at" style="top:260px;width:300px;height:80px"></textarea>
<button id="fragile" class="at" style="top:380px">Fragile</button>
<a id="next" class="at" style="top:420px" href="/page2">Next</a>
<div style="height:3000px"></div>
<script>
document.getElementById('btn').addEventListener('click', function () {
  var c = document.getElementById('count'); c.textContent = String(Number(c.textContent) + 1);
});
</script>
${script ? `<script src="${script}"></script>` : ''}
</body></html>`;

function listen(server) {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server.address().port)));
}

function readBody(req) {
  return new Promise((done) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks)));
  });
}

/** Serves `/page` and `/page2` (the test page with the test bundle), `/bare`, and `/t.js`. */
export async function startPages() {
  const bundle = await testBundle();
  const dist = existsSync(resolve(root, 'dist/botsieve.min.js')) ? scriptBuild() : '';
  const server = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    const send = (type, body) => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (path === '/t.js') return send('text/javascript', bundle);
    if (path === '/botsieve.min.js') return send('text/javascript', dist);
    if (path === '/page' || path === '/page2') return send('text/html', PAGE('/t.js'));
    if (path === '/script-tag') return send('text/html', PAGE('/botsieve.min.js'));
    if (path === '/bare') return send('text/html', PAGE(''));
    res.writeHead(404).end();
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/**
 * A stand-in for the botsieve service that follows docs/events.md: sessions, batches stored once
 * per batch_id, the beacon form, gzip bodies, 422 for anything the contract refuses. `behaviour`
 * makes it fail on purpose.
 */
export async function startMockService() {
  const state = {
    sessions: new Map(),
    requests: [],
    behaviour: {
      failAfterStore: 0,
      failEvents: 0,
      failStatus: 503,
      rejectEvents: 0,
      failCreate: 0,
      hangCreate: false,
    },
  };
  let counter = 0;
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers':
      'Authorization, Content-Type, Content-Encoding, X-Session-Token',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Max-Age': '600',
  };
  const reply = (res, status, body) => {
    res.writeHead(status, { ...cors, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer(async (req, res) => {
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    const raw = await readBody(req);
    const encoding = req.headers['content-encoding'] || null;
    const contentType = (req.headers['content-type'] || '').split(';')[0];
    let body;
    try {
      body = JSON.parse((encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
    } catch {
      return reply(res, 400, { detail: 'not JSON' });
    }
    const path = req.url.split('?')[0];
    const auth = req.headers.authorization || (body.key ? `Bearer ${body.key}` : '');
    const entry = { path, encoding, contentType, auth, bytes: raw.length, body, at: Date.now() };
    state.requests.push(entry);
    if (path === '/api/v1/detection/sessions') {
      entry.kind = 'create';
      if (state.behaviour.hangCreate) return; // never answers
      if (state.behaviour.failCreate > 0) {
        state.behaviour.failCreate--;
        return reply(res, 503, { detail: 'unavailable' });
      }
      if (!auth.startsWith('Bearer pk_')) return reply(res, 401, { detail: 'key' });
      const id = `s${++counter}`;
      state.sessions.set(id, { id, token: `tok-${id}`, create: body, batches: new Map() });
      return reply(res, 201, {
        session_id: id,
        token: `tok-${id}`,
        expires_at: new Date(Date.now() + 3600e3).toISOString(),
        status: 'active',
      });
    }
    const match = path.match(/^\/api\/v1\/detection\/sessions\/([^/]+)\/events$/);
    if (!match) return reply(res, 404, { detail: 'no route' });
    const session = state.sessions.get(match[1]);
    entry.kind = req.headers['x-session-token'] ? 'events' : 'beacon';
    entry.batchId = body.batch_id;
    if (!session) return reply(res, 404, { detail: 'no session' });
    const token = req.headers['x-session-token'] || body.token;
    if (token !== session.token || !auth.startsWith('Bearer pk_')) {
      return reply(res, 401, { detail: 'token' });
    }
    if (state.behaviour.failEvents > 0) {
      state.behaviour.failEvents--;
      entry.status = state.behaviour.failStatus;
      return reply(res, state.behaviour.failStatus, { detail: 'failing on purpose' });
    }
    const found = problems(body.events);
    if (state.behaviour.rejectEvents > 0) {
      state.behaviour.rejectEvents--;
      found.push('rejecting on purpose');
    }
    if (found.length) {
      entry.status = 422;
      entry.problems = found;
      return reply(res, 422, { errors: found });
    }
    const duplicate = session.batches.has(body.batch_id);
    if (!duplicate) session.batches.set(body.batch_id, body.events);
    entry.status = 202;
    entry.duplicate = duplicate;
    if (state.behaviour.failAfterStore > 0) {
      // Stored, but the answer is lost on the way back: the collector must retry the same id.
      state.behaviour.failAfterStore--;
      entry.status = 503;
      return reply(res, 503, { detail: 'answer lost on purpose' });
    }
    return reply(res, 202, { accepted: body.events.length, duplicate });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Every stored event of every session, in batch order. */
    events(sessionId) {
      const out = [];
      for (const session of state.sessions.values()) {
        if (sessionId && session.id !== sessionId) continue;
        for (const events of session.batches.values()) out.push(...events);
      }
      return out;
    },
    rejected: () =>
      state.requests.filter(
        (r) => r.status === 422 && !r.problems.includes('rejecting on purpose'),
      ),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

export async function launch() {
  return patient(
    await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: HANG_CEILING_MS,
    }),
  );
}

/**
 * The browser, the test pages and the mock service, started together. Should one fail to start,
 * the others are stopped before the error is thrown: nothing is left running.
 */
export async function startAll() {
  const started = await Promise.allSettled([launch(), startPages(), startMockService()]);
  const failed = started.find((result) => result.status === 'rejected');
  if (!failed) return started.map((result) => result.value);
  const [browser, pages, service] = started.map((result) => result.value);
  await browser?.close();
  pages?.close();
  service?.close();
  throw failed.reason;
}

/** Wait until `check` holds, under the hang ceiling only; `what` names it should it hang. */
export function waitFor(check, { interval = 50, what = 'condition' } = {}) {
  return waitUntil(check, { interval, what });
}

/** A page with the test bundle loaded, its page errors collected in `errors`. */
export async function openPage(browser, pages, path = '/page') {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(pages.url + path);
  return { page, errors };
}

/** Start the collector in `page` as `window.h` with test-friendly timings. */
export async function startIn(page, service, options = {}) {
  await page.evaluate(
    ({ endpoint, options }) => {
      window.h = window.T.start({
        endpoint,
        key: 'pk_test',
        surveyId: 'survey-1',
        respondentId: 'resp-1',
        flushInterval: 400,
        environmentTimeout: 1500,
        ...options,
      });
    },
    { endpoint: service.url, options },
  );
}
