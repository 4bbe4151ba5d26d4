// Starts a real botsieve service for the dashboard's end-to-end runs: a temporary SQLite database
// and data folder, users of each role and a secret key made with the CLI, a seeded set of
// sessions, and `botsieve serve` on a free loopback port. `stop()` ends only what it started.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const REPO = resolve(import.meta.dirname, '../..');
export const BOTSIEVE_BIN = process.env.BOTSIEVE_BIN || join(REPO, '.venv/bin/botsieve');
export const PASSWORD = 'e2e password 123';
export const USERS = {
  admin: 'admin@example.org',
  analyst: 'analyst@example.org',
  viewer: 'viewer@example.org',
};

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

// Waits for readiness, not for a deadline a busy machine may miss: the service either answers,
// exits (an error at once), or hangs (the ceiling, ten minutes, is only against a hang).
const HANG_CEILING_MS = 10 * 60 * 1000;

async function waitUntilUp(url, child) {
  const until = Date.now() + HANG_CEILING_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`botsieve serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `botsieve hung: no answer at ${url}/health in ${HANG_CEILING_MS / 60000} minutes`,
  );
}

/** Debian's Chromium, headless, as every end-to-end run here drives it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Sign in on the login page as `email` (the admin by default) and wait for the overview. */
export async function signIn(page, url, email = USERS.admin) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

/** A curved pointer path, as a person's hand would draw it. */
export function mousePath(n, start = 0) {
  return Array.from({ length: n }, (_, i) => ({
    type: 'mousemove',
    t: start + i * 16.7,
    x: Math.round(200 + 300 * Math.sin(i / 40)),
    y: Math.round(150 + 80 * Math.cos(i / 25)),
  }));
}

function typing(start) {
  const events = [{ type: 'page', t: start, mark: 'Q1', phase: 'shown' }];
  let t = start + 50;
  for (let i = 0; i < 30; i++) {
    t += 90 + ((i * 37) % 120);
    events.push({ type: 'keydown', t, key: 'letter' }, { type: 'keyup', t: t + 60, key: 'letter' });
  }
  events.push({ type: 'click', t: t + 200, x: 420, y: 260, button: 0 });
  events.push({ type: 'page', t: t + 220, mark: 'Q1', phase: 'submitted' });
  return events;
}

export async function startService() {
  if (!existsSync(BOTSIEVE_BIN)) throw new Error(`no botsieve at ${BOTSIEVE_BIN} (BOTSIEVE_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'botsieve-dash-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    BOTSIEVE_DATABASE_URL: `sqlite+aiosqlite:///${join(dir, 'botsieve.db')}`,
    BOTSIEVE_ENV: 'development',
    BOTSIEVE_DATA_DIR: dir,
    BOTSIEVE_LOG_LEVEL: 'warning',
  };
  const run = (...args) => execFileSync(BOTSIEVE_BIN, args, { env, encoding: 'utf8' });
  run('migrate');
  const secret = run('keys', 'create', '--kind', 'secret', '--name', 'e2e')
    .trim()
    .split('\n')
    .at(-1);
  for (const [role, email] of Object.entries(USERS)) {
    run('users', 'create', '--email', email, '--role', role, '--password', PASSWORD);
  }
  const child = spawn(BOTSIEVE_BIN, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20000);
  });
  const stop = () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    await waitUntilUp(url, child);
  } catch (error) {
    stop();
    throw new Error(`${error.message}\n${stderr}`);
  }

  async function call(method, path, body) {
    const response = await fetch(url + path, {
      method,
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  const createSession = (
    survey,
    respondent,
    environment = { webdriver: false, languages: ['en-GB'] },
  ) =>
    call('POST', '/api/v1/detection/sessions', {
      platform: 'qualtrics',
      survey_id: survey,
      respondent_id: respondent,
      environment,
    });
  const sendEvents = (session, batch, events) =>
    fetch(`${url}/api/v1/detection/sessions/${session.session_id}/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${secret}`,
        'X-Session-Token': session.token,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ batch_id: batch, events }),
    }).then((r) => {
      if (r.status !== 202) throw new Error(`events: ${r.status}`);
      return r.json();
    });

  /** Four sessions: three analysed (one a webdriver bot), one not yet. */
  async function seed() {
    const made = [];
    for (const [i, webdriver] of [false, false, true].entries()) {
      const env = webdriver
        ? { webdriver: true, languages: [], userAgent: 'HeadlessChrome' }
        : { webdriver: false, languages: ['en-GB'], userAgent: 'Mozilla/5.0' };
      const session = await createSession('SV_e2e', `R_${i}`, env);
      await sendEvents(session, 'b1', [...mousePath(120), ...typing(2100)]);
      made.push({
        ...session,
        result: await call('POST', `/api/v1/detection/sessions/${session.session_id}/analyze`),
      });
    }
    made.push(await createSession('SV_other', 'R_waiting'));
    return made;
  }

  return { url, secret, stop, logs: () => stderr, call, createSession, sendEvents, seed };
}
