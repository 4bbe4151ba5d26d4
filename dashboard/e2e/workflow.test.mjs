// The researcher's workflow in Debian's Chromium against a real service: the Quick start snippet
// pasted into a survey page collects a session, and a decision rule saved on the settings page
// relabels the session list and the API at once.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, signIn, startService, USERS } from './service.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');
const DOC_IMAGES = resolve(import.meta.dirname, '../../docs/images');
mkdirSync(ARTIFACTS, { recursive: true });

let service;
let browser;
let seeded;
let page;
let surveySite;
let surveyOrigin;
let surveyPage = '';

async function shot(target, name) {
  const file = join(ARTIFACTS, `dashboard-${name}.png`);
  await target.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_DOC_IMAGES === '1') {
    mkdirSync(DOC_IMAGES, { recursive: true });
    copyFileSync(file, join(DOC_IMAGES, `dashboard-${name}.png`));
  }
}

/** Polls until `check` returns something truthy; the test runner's timeout bounds it. */
async function eventually(check) {
  for (;;) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  // The survey's own site: another origin on loopback, serving whatever page the test sets.
  surveySite = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(surveyPage);
  });
  await new Promise((done) => surveySite.listen(0, '127.0.0.1', done));
  surveyOrigin = `http://127.0.0.1:${surveySite.address().port}`;
  service = await startService();
  seeded = await service.seed();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, service.url);
});

after(async () => {
  await browser?.close();
  service?.stop();
  surveySite?.close();
});

describe('researcher workflow', () => {
  it('collects a session with the Quick start snippet pasted into a survey page', async () => {
    const key = await service.call('POST', '/api/v1/keys', {
      name: 'quick start',
      kind: 'publishable',
      allowed_origins: [surveyOrigin],
    });
    await page.goto(`${service.url}/guide`);
    await page.getByLabel('Publishable key').fill(key.key);
    await page.getByLabel('Survey id').fill('SV_quick');
    await page.getByLabel('Respondent id').fill('R_quick');
    const snippet = await page.getByTestId('quick-start-snippet').textContent();
    assert.match(snippet, /window\.botsieve\.start/);
    await shot(page, 'guide');

    const survey = await browser.newPage();
    const errors = [];
    survey.on('pageerror', (error) => errors.push(error.message));
    surveyPage = `<!doctype html><title>Survey</title><h1>Q1</h1>
      <label>Your answer <input id="answer"></label>${snippet}`;
    await survey.goto(`${surveyOrigin}/survey`);
    for (let i = 0; i < 40; i++) await survey.mouse.move(100 + i * 7, 120 + (i % 9) * 5);
    await survey.click('#answer');
    await survey.keyboard.type('abc');
    await survey.evaluate(() => window.handle.flush());
    const row = await eventually(async () => {
      const list = await service.call('GET', '/api/v1/dashboard/sessions?survey_id=SV_quick');
      return list.items.find((s) => s.event_count > 0);
    });
    assert.equal(row.respondent_id, 'R_quick');
    assert.deepEqual(errors, []);
    await survey.close();
  });

  it('saves a decision rule that relabels the list and the API without re-analysis', async () => {
    // Move an analysed session across the line: a threshold at its P(bot) excludes it, one
    // above keeps it.
    const analysed = seeded
      .filter((s) => s.result)
      .sort((a, b) => a.result.bot_probability - b.result.bot_probability);
    const person = analysed.find((s) => !s.result.is_bot) ?? analysed[0];
    const p = person.result.bot_probability;
    assert.ok(!person.result.is_bot || p < 1, 'a session that a threshold can move');
    const expected = person.result.is_bot ? 'keep' : 'exclude';
    const threshold = expected === 'keep' ? 1 : Math.floor(p * 1000) / 1000;
    await page.goto(`${service.url}/settings`);
    await page.getByLabel('or a survey id').fill('SV_e2e');
    await page.getByRole('button', { name: 'Edit its rule' }).click();
    await page.getByTestId('rule-in-force').filter({ hasText: 'model' }).waitFor();
    await page.locator('input[name="threshold"]').fill(String(threshold));
    await page
      .getByTestId('rule-preview')
      .filter({ hasText: 'Saving relabels' })
      .waitFor()
      .catch(async (e) => {
        await shot(page, 'debug');
        throw e;
      });
    await shot(page, 'decision-rule');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText(/^Decision rule saved: \d+ sessions relabelled/).waitFor();
    await page.getByTestId('rule-in-force').filter({ hasText: "this survey's rule" }).waitFor();

    const result = await service.call(
      'GET',
      `/api/v1/detection/sessions/${person.session_id}/result`,
    );
    assert.equal(result.decision, expected);
    assert.equal(result.is_bot, expected === 'exclude');
    await page.goto(`${service.url}/sessions?survey_id=SV_e2e`);
    const badge = page.locator(`[data-session-id="${person.session_id}"] [data-testid="decision"]`);
    await badge.waitFor();
    assert.equal(await badge.getAttribute('data-decision'), expected);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csv = await (await import('node:fs')).promises.readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\n');
    assert.equal(lines.length, 4, csv); // header and the survey's three sessions
    assert.ok(lines.some((l) => l.startsWith(person.session_id) && l.includes(`,${expected},`)));
    // Scored for a Qualtrics response: the details name the platform's response id too.
    const details = `/api/v1/dashboard/sessions/${person.session_id}/details`;
    const respondent = (await service.call('GET', details)).session.respondent_id;
    const wave = await service.call('POST', '/api/v1/integrations', {
      platform: 'qualtrics',
      name: 'Wave e2e',
      survey_id: 'SV_e2e',
    });
    const scored = await fetch(`${service.url}/api/v1/integrations/qualtrics/score`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${wave.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        survey_id: 'SV_e2e',
        response_id: respondent,
        session_id: person.session_id,
      }),
    });
    assert.equal((await scored.json()).status, 'ok');
    await page.goto(`${service.url}/sessions/${person.session_id}`);
    await page.getByTestId('decision-rule').filter({ hasText: "this survey's rule" }).waitFor();
    await page.getByTestId('respondent-id').filter({ hasText: respondent }).waitFor();
    await page
      .getByTestId('response-ids')
      .filter({ hasText: `Response ${respondent} (qualtrics, Wave e2e)` })
      .waitFor();
  });

  it('reviews flagged sessions with the keyboard and bulk buttons, and exports who decided', async () => {
    await service.call('PUT', '/api/v1/decision-rules/surveys/SV_e2e', { threshold: 0 });
    await page.goto(`${service.url}/review?survey_id=SV_e2e`);
    const rows = page.getByTestId('review-row');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    const ids = await rows.evaluateAll((all) => all.map((r) => r.dataset.sessionId));
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.getByText('2 selected').waitFor();
    await shot(page, 'review');
    await page.keyboard.press('d');
    await page.getByText('2 sessions marked dismissed').waitFor();
    await rows.nth(1).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Confirm bot (b)' }).click();
    await page.getByText('1 session marked confirmed bot').waitFor();
    await page.getByText('Nothing here').waitFor();

    for (const [i, expected] of [
      [0, 'keep'],
      [1, 'keep'],
      [2, 'exclude'],
    ]) {
      const r = await service.call('GET', `/api/v1/detection/sessions/${ids[i]}/result`);
      assert.equal(r.decision, expected, ids[i]);
    }
    const response = await fetch(
      `${service.url}/api/v1/dashboard/review/history.csv?survey_id=SV_e2e`,
      { headers: { Authorization: `Bearer ${service.secret}` } },
    );
    const lines = (await response.text()).trim().split('\n');
    assert.equal(lines.length, 4);
    assert.ok(
      lines.slice(1).every((l) => l.includes(USERS.admin)),
      lines.join('\n'),
    );
  });

  it('renders /docs and /redoc with every other origin unreachable', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const elsewhere = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(service.url)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const docs = await context.newPage();
    await docs.goto(`${service.url}/docs`);
    await docs.locator('.opblock').first().waitFor();
    await docs.goto(`${service.url}/redoc`);
    await docs.getByText('/api/v1/decision-rules').first().waitFor();
    assert.deepEqual(elsewhere, []);
    await context.close();
  });
});
