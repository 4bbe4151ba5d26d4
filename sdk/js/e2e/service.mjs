// Starts a real botsieve service for the end-to-end runs: a temporary SQLite database and data
// folder, a secret key to read results, `botsieve serve` on a free loopback port. `stop()` ends
// the process group it started, and nothing else.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HANG_CEILING_MS } from '../test/patience.mjs';

const REPO = resolve(import.meta.dirname, '../../..');
export const BOTSIEVE_BIN = process.env.BOTSIEVE_BIN || join(REPO, '.venv/bin/botsieve');

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
async function waitUntilUp(url, child) {
  const until = Date.now() + HANG_CEILING_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`botsieve serve exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/demo/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`botsieve hung: no answer at ${url}/demo/ in ${HANG_CEILING_MS / 60000} minutes`);
}

/**
 * Start the service. `origins`: survey-site origins to make a publishable key for (returned as
 * `publishable`), since a customer's survey runs on another origin than the service.
 */
export { freePort };

export async function startService({ origins = [] } = {}) {
  if (!existsSync(BOTSIEVE_BIN)) throw new Error(`no botsieve at ${BOTSIEVE_BIN} (BOTSIEVE_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'botsieve-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    BOTSIEVE_DATABASE_URL: `sqlite+aiosqlite:///${join(dir, 'botsieve.db')}`,
    BOTSIEVE_ENV: 'development',
    BOTSIEVE_DATA_DIR: dir,
  };
  const run = (...args) => execFileSync(BOTSIEVE_BIN, args, { env, encoding: 'utf8' });
  const lastLine = (out) => out.trim().split('\n').at(-1);
  let secret;
  let publishable = null;
  try {
    run('migrate');
    secret = lastLine(run('keys', 'create', '--kind', 'secret', '--name', 'e2e'));
    if (origins.length) {
      const allowed = origins.flatMap((origin) => ['--origin', origin]);
      publishable = lastLine(
        run('keys', 'create', '--kind', 'publishable', '--name', 'e2e survey site', ...allowed),
      );
    }
  } catch (error) {
    // Set-up failed before the server started: only the temporary folder is ours to remove.
    rmSync(dir, { recursive: true, force: true });
    throw error;
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
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  try {
    await waitUntilUp(url, child);
  } catch (error) {
    stop();
    throw new Error(`${error.message}\n${stderr}`);
  }

  async function call(method, path, body) {
    const headers = { Authorization: `Bearer ${secret}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  return {
    url,
    secret,
    publishable,
    stop,
    logs: () => stderr,
    analyze: (id) => call('POST', `/api/v1/detection/sessions/${id}/analyze`),
    status: (id) => call('GET', `/api/v1/detection/sessions/${id}/status`),
    readiness: (id) => call('GET', `/api/v1/detection/sessions/${id}/ready-for-analysis`),
    create: (body) => call('POST', '/api/v1/detection/sessions', body),
    sessions: (surveyId) =>
      call('GET', `/api/v1/dashboard/sessions?survey_id=${encodeURIComponent(surveyId)}`),
    details: (id) => call('GET', `/api/v1/dashboard/sessions/${id}/details`),
  };
}
