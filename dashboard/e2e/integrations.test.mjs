// The Integrations page in Debian's Chromium against a real service and a stand-in for Decipher's
// REST API (x-apikey, the JSON data and datamap, "Modifying Data", errors as {"$error", "$code"}):
// a back-fill refused by Decipher waits as "needs attention" with the reason, a refused event post
// is listed, "Retry now" runs the job again once Decipher accepts, and the reconciliation export
// downloads as one file.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, mousePath, signIn, startService } from './service.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const SURVEY = 'selfserve/9d3/e2e1';
const KEY = 'k'.repeat(64);
const RESPONDENT = 'ue2e1';

let service;
let browser;
let page;
let decipher;
let decipherUrl;
let accepting = false;
const edits = [];

/** Polls until `check` returns something truthy; the test runner's timeout bounds it. */
async function eventually(check) {
  for (;;) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-usage-today': '1 10' });
  res.end(JSON.stringify(body));
}

/** Decipher's API for one survey: refuses the key until `accepting`, then serves and edits. */
function decipherStandIn(req, res) {
  const url = new URL(req.url, 'http://x');
  const prefix = `/api/v1/surveys/${SURVEY}/`;
  if (!accepting || req.headers['x-apikey'] !== KEY) {
    reply(res, 401, {
      $error: 'invalid key. Verify the spelling of your key by accessing the Research Hub',
      $code: 401,
    });
    return;
  }
  const tail = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
  const text = (label) => ({ qlabel: label, type: 'text', variables: [{ label, type: 'text' }] });
  const hidden = ['Status', 'Score', 'Verdict', 'Risk', 'Flags', 'Quality', 'QualityFlags'];
  if (req.method === 'GET' && tail === 'datamap') {
    reply(res, 200, {
      variables: [],
      questions: [text('q1'), ...hidden.map((h) => text(`hBot${h}`))],
    });
  } else if (req.method === 'GET' && tail === 'data') {
    const wanted = url.searchParams.get('cond') === `uuid == "${RESPONDENT}"`;
    reply(
      res,
      200,
      wanted ? [{ record: 1, uuid: RESPONDENT, status: 3, q1: 'fine', qtime: 240 }] : [],
    );
  } else if (req.method === 'PUT' && tail === 'data/edit') {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const edit = JSON.parse(body);
      edits.push(edit);
      const stats = { rows: 1, unseen: 0, rewritten: 1, fieldsErronous: 0, bad: [], inrows: 1 };
      reply(res, 200, { stats, backup: `${SURVEY}/dataedit/data/old-results/001.results.*` });
    });
  } else {
    reply(res, 404, { $error: `no such resource ${url.pathname}`, $code: 404 });
  }
}

async function status() {
  return (await service.call('GET', '/api/v1/integrations/status')).integrations;
}

before(async () => {
  decipher = createServer(decipherStandIn);
  await new Promise((done) => decipher.listen(0, '127.0.0.1', done));
  decipherUrl = `http://127.0.0.1:${decipher.address().port}`;
  service = await startService();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  await signIn(page, service.url);
});

after(async () => {
  await browser?.close();
  service?.stop();
  decipher?.close();
});

describe('integrations page', () => {
  it('shows a refused back-fill and a refused post, and retries the job', async () => {
    const created = await service.call('POST', '/api/v1/integrations', {
      platform: 'decipher',
      name: 'Tracker e2e',
      survey_id: SURVEY,
      base_url: decipherUrl,
      api_token: KEY,
      config: { backfill_delay_seconds: 0 },
    });
    const session = await service.call('POST', '/api/v1/detection/sessions', {
      platform: 'decipher',
      survey_id: SURVEY,
      respondent_id: RESPONDENT,
      environment: { webdriver: false, languages: ['en-GB'] },
    });
    await service.sendEvents(session, 'b1', mousePath(120));
    const scored = await fetch(`${service.url}/api/v1/integrations/decipher/score`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: created.token, survey: SURVEY, uuid: RESPONDENT }),
    });
    assert.equal(scored.status, 200);
    // A Qualtrics subscription posting without its HMAC: refused, and kept as when and why.
    const qualtrics = await service.call('POST', '/api/v1/integrations', {
      platform: 'qualtrics',
      name: 'Panel e2e',
      survey_id: 'SV_e2eRefused',
    });
    const msg = JSON.stringify({
      Status: 'Complete',
      SurveyID: 'SV_e2eRefused',
      ResponseID: 'R_1',
    });
    const refused = await fetch(service.url + qualtrics.event_path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Topic: 'acme.surveyengine.completedResponse.SV_e2eRefused',
        MSG: msg,
      }).toString(),
    });
    assert.equal(refused.status, 401);
    // The service's worker tries the back-fill, and Decipher refuses the key.
    await eventually(async () => (await status()).some((i) => i.needs_attention === 1));

    await page.goto(`${service.url}/integrations`);
    const tracker = page.locator('li', { hasText: 'Tracker e2e' }).first();
    const waiting = tracker.getByTestId('waiting-jobs');
    await waiting.filter({ hasText: 'invalid key' }).waitFor();
    assert.match(
      await waiting.textContent(),
      /decipher\.backfill ue2e1: needs_attention \(HTTP 401\)/,
    );
    const panel = page.locator('li', { hasText: 'Panel e2e' }).first();
    await panel.getByTestId('refusals').filter({ hasText: 'HMAC' }).waitFor();
    assert.match(await panel.getByTestId('refusals').textContent(), /last 24 h: 1.*HTTP 401/s);
    await page.screenshot({
      path: join(ARTIFACTS, 'dashboard-integrations-attention.png'),
      fullPage: true,
    });

    // Decipher's key is fixed on their side; the analyst presses Retry now.
    accepting = true;
    await tracker.getByRole('button', { name: 'Retry now' }).click();
    await waiting.filter({ hasText: 'requeued 1' }).waitFor();
    const edit = await eventually(() => edits.at(-1));
    assert.equal(edit.key, 'uuid');
    assert.equal(edit.data[0].uuid, RESPONDENT);
    assert.ok(['ok', 'provisional', 'insufficient_evidence'].includes(edit.data[0].hBotStatus));
    await eventually(async () => (await status()).every((i) => !i.needs_attention));
    await page.reload();
    await page.locator('li', { hasText: 'Tracker e2e' }).first().waitFor();
    assert.equal(await tracker.getByTestId('waiting-jobs').count(), 0);
  });

  it('downloads the reconciliation export of a survey as one CSV file', async () => {
    const tracker = page.locator('li', { hasText: 'Tracker e2e' }).first();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      tracker.getByRole('button', { name: 'Reconciliation CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'responses-selfserve_9d3_e2e1.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const [header, ...rows] = csv.trim().split('\r\n');
    assert.ok(header.startsWith('response_id,'), header);
    assert.equal(rows.length, 1);
    assert.ok(rows[0].startsWith(`${RESPONDENT},`), rows[0]);
    assert.ok(header.split(',').includes('exclude'));
  });
});
