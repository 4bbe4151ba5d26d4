// The dashboard in Debian's Chromium against a real service with a seeded database: sign in,
// the overview's figures, a session's drawn path, live list updates, keys, and a viewer's limits.
// Screenshots of each page go to test-artifacts/ (and to docs/images/ with UPDATE_DOC_IMAGES=1).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, mousePath, PASSWORD, signIn, startService, USERS } from './service.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');
const DOC_IMAGES = resolve(import.meta.dirname, '../../docs/images');
mkdirSync(ARTIFACTS, { recursive: true });

let service;
let browser;
let seeded;
let page;

async function shot(name, { docs = true } = {}) {
  const file = join(ARTIFACTS, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (docs && process.env.UPDATE_DOC_IMAGES === '1') {
    mkdirSync(DOC_IMAGES, { recursive: true });
    copyFileSync(file, join(DOC_IMAGES, `dashboard-${name}.png`));
  }
}

before(async () => {
  service = await startService();
  seeded = await service.seed();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  await browser?.close();
  service?.stop();
});

describe('dashboard', () => {
  it('asks for a login, and signs in', async () => {
    await page.goto(`${service.url}/sessions`);
    await page.waitForURL(/\/login\?next=/);
    await shot('login');
    await page.getByLabel('Email').fill(USERS.admin);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
  });

  it('shows the seeded figures on the overview', async () => {
    await page.goto(`${service.url}/`);
    await page.getByTestId('stat-sessions').filter({ hasText: '4' }).waitFor();
    assert.equal(await page.getByTestId('stat-analyzed').textContent(), '3');
    const bots = seeded.filter((s) => s.result?.is_bot).length;
    assert.equal(
      await page.getByTestId('stat-bot-rate').textContent(),
      `${((bots / 3) * 100).toFixed(1)}%`,
    );
    await page.locator('canvas').first().waitFor();
    await shot('overview');
  });

  it('opens a session and draws its mouse path', async () => {
    await page.goto(`${service.url}/sessions`);
    const id = seeded[2].session_id;
    await page.locator(`[data-session-id="${id}"]`).click();
    await page.waitForURL(`**/sessions/${id}`);
    const canvas = page.getByTestId('mouse-path');
    await canvas.waitFor();
    assert.equal(await canvas.getAttribute('data-points'), '120');
    const inked = await canvas.evaluate((c) => {
      const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 500, `only ${inked} pixels drawn`);
    await page.getByTestId('detectors').waitFor();
    await page.locator('[data-suspicious="true"]').first().waitFor();
    await shot('session');
  });

  it('finds a session by the short id the list shows', async () => {
    await page.goto(`${service.url}/sessions`);
    const id = seeded[1].session_id;
    const shown = await page
      .locator(`[data-session-id="${id}"] [data-testid="short-id"]`)
      .textContent();
    const others = await page.getByTestId('short-id').allTextContents();
    assert.equal(others.filter((s) => s === shown).length, 1, `${shown} is on one row only`);
    await page.getByLabel('Search').fill(shown);
    await page.getByLabel('Search').press('Enter');
    await page
      .getByTestId('row-count')
      .filter({ hasText: /^1 sessions loaded/ })
      .waitFor();
    assert.deepEqual(
      await page
        .getByTestId('session-row')
        .evaluateAll((rows) => rows.map((r) => r.dataset.sessionId)),
      [id],
    );
  });

  it('labels, re-analyses and exports a session', async () => {
    const id = seeded[0].session_id;
    await page.goto(`${service.url}/sessions/${id}`);
    await page.getByRole('button', { name: 'Mark human' }).click();
    await page.getByTestId('label').filter({ hasText: 'labelled human' }).waitFor();
    const stored = await service.call('GET', `/api/v1/detection/sessions/${id}/status`);
    assert.equal(stored.label, 'human');
    await page.getByRole('button', { name: 'Re-analyse' }).click();
    await page.getByText(/^Re-analysed:/).waitFor();
    const details = await service.call('GET', `/api/v1/dashboard/sessions/${id}/details`);
    assert.equal(details.results.length, 2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `session-${id}.json`);
  });

  it("opens a survey's page: its figures, its rule, its sessions", async () => {
    const figures = await service.call('GET', '/api/v1/dashboard/surveys/SV_e2e');
    await page.goto(`${service.url}/surveys`);
    await page.getByTestId('surveys').getByRole('link', { name: 'SV_e2e' }).click();
    await page.waitForURL('**/surveys/SV_e2e');
    await page
      .getByTestId('survey-sessions')
      .filter({ hasText: String(figures.sessions) })
      .waitFor();
    assert.equal(await page.getByTestId('survey-analysed').textContent(), String(figures.analyzed));
    assert.equal(
      await page.getByTestId('survey-excluded').textContent(),
      String(figures.decisions.exclude),
    );
    assert.equal(
      await page.getByTestId('survey-exclusion-rate').textContent(),
      `${(figures.exclusion_rate * 100).toFixed(1)}%`,
    );
    const kept = page.locator('[data-testid="survey-decisions"] [data-decision="keep"]');
    assert.match(await kept.textContent(), new RegExp(`${figures.decisions.keep} \\(`));
    assert.match(await page.getByTestId('survey-rule').textContent(), /calibrated threshold/);
    await shot('survey');
    await page.getByTestId('survey-sessions-link').click();
    await page.waitForURL(/\/sessions\?survey_id=SV_e2e/);
    await page
      .getByTestId('row-count')
      .filter({ hasText: `${figures.sessions} sessions loaded` })
      .waitFor();
    await page.goto(`${service.url}/surveys/SV_e2e`);
    await page.getByRole('link', { name: 'Give it its own rule' }).click();
    await page.waitForURL('**/settings?survey=SV_e2e');
    const chosen = page.locator('select').filter({ has: page.locator('option[value="SV_e2e"]') });
    assert.equal(await chosen.inputValue(), 'SV_e2e');
  });

  it('updates the session list live as events arrive', async () => {
    await page.goto(`${service.url}/sessions`);
    await page.locator('[data-testid="live-status"][data-status="open"]').waitFor();
    await page.getByTestId('row-count').filter({ hasText: '4 sessions loaded' }).waitFor();
    assert.equal(await page.getByTestId('session-row').count(), 4);
    const fresh = await service.createSession('SV_live', 'R_live');
    const row = page.locator(`[data-session-id="${fresh.session_id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await service.sendEvents(fresh, 'live-1', mousePath(37));
    await row.getByTestId('event-count').filter({ hasText: '37' }).waitFor({ timeout: 10_000 });
    await shot('sessions');
  });

  it('polls while the live socket is down', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.routeWebSocket(/\/api\/v1\/ws$/, (ws) => ws.close());
    const cut = await context.newPage();
    await signIn(cut, service.url, USERS.analyst);
    await cut.goto(`${service.url}/sessions`);
    await cut.locator('[data-testid="live-status"][data-status="closed"]').waitFor();
    const fresh = await service.createSession('SV_polled', 'R_polled');
    await cut.locator(`[data-session-id="${fresh.session_id}"]`).waitFor({ timeout: 15_000 });
    await context.close();
  });

  it('creates a key, shows it once, and revokes it', async () => {
    await page.goto(`${service.url}/settings`);
    await page.getByLabel('Name').fill('e2e survey');
    await page.getByLabel('Allowed origins').fill('https://survey.example.org');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key-value').textContent();
    assert.match(key, /^bs_pk_/);
    const row = page.locator('[data-key-name="e2e survey"]');
    await row.waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByText(key).count(), 0, 'the key is shown only once');
    await shot('settings');
    await row.getByRole('button', { name: 'Revoke e2e survey' }).click();
    await row.waitFor({ state: 'detached' });
    const keys = await service.call('GET', '/api/v1/keys');
    assert.ok(!keys.some((k) => k.name === 'e2e survey'));
  });

  it('saves settings so that they survive a reload', async () => {
    await page.goto(`${service.url}/settings`);
    const days = page.locator('input[name="retention_days"]');
    await days.fill('45');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();
    await page.reload();
    await page.locator('input[name="retention_days"][value="45"]').waitFor();
  });

  it('tries an endpoint in the playground with a key', async () => {
    await page.goto(`${service.url}/playground`);
    await page.getByLabel('Endpoint').selectOption('GET /api/v1/dashboard/overview');
    await page.getByLabel('API key (empty: your login)').fill(service.secret);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('answer').filter({ hasText: '"totals"' }).waitFor();
    await page.getByText(/^200 · \d+ ms$/).waitFor();
    await shot('playground');
    await page.goto(`${service.url}/integrations`);
    await page.getByRole('heading', { name: 'Survey platforms' }).waitFor();
    await page.waitForTimeout(500);
    assert.ok(
      page.url().endsWith('/integrations'),
      'an integrations error never signs the user out',
    );
    await shot('integrations', { docs: false }); // a placeholder until integrations take logins
    await page.goto(`${service.url}/guide`);
    await page.getByRole('heading', { name: 'Quick start' }).waitFor();
    await shot('guide');
  });

  it('does not let a viewer change settings', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const viewer = await context.newPage();
    await signIn(viewer, service.url, USERS.viewer);
    await viewer.goto(`${service.url}/settings`);
    await viewer.getByTestId('read-only').waitFor();
    assert.ok(await viewer.getByRole('button', { name: 'Save settings' }).isDisabled());
    assert.equal(await viewer.getByRole('button', { name: 'Create key' }).count(), 0);
    await viewer.screenshot({
      path: join(ARTIFACTS, 'dashboard-settings-viewer.png'),
      fullPage: true,
    });
    const status = await viewer.evaluate(async () => {
      const csrf = document.cookie.match(/botsieve_csrf=([^;]+)/)[1];
      const response = await fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ retention: { retention_days: 1 } }),
      });
      return response.status;
    });
    assert.equal(status, 403);
    const saved = await service.call('GET', '/api/v1/settings');
    assert.equal(saved.retention.retention_days, 45);
    await context.close();
  });
});
