// Managing an integration from the Integrations page in Debian's Chromium against a real service:
// created through the form (its secrets shown once), its API token and datacenter set afterwards,
// its secrets rotated (the new token is accepted by the score endpoint), a publishable key made
// for the survey's origin and filled into the setup guide, and the check-it-works panel noticing
// the survey's first session once one is made. A webhook is added, its secret rotated, and a test
// delivery reaches a local receiver signed with the new secret.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, signIn, startService } from './service.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const SURVEY = 'SV_e2eManaged';

let service;
let browser;
let page;
let receiver;
const received = [];

/** A webhook receiver on a loopback port: keeps each delivery's signature header and body. */
function receive(req, res) {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    received.push({ signature: req.headers['botsieve-signature'], body });
    res.writeHead(200).end('ok');
  });
}

async function scoreWith(token) {
  const response = await fetch(`${service.url}/api/v1/integrations/qualtrics/score`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ survey_id: SURVEY, response_id: 'R_none' }),
  });
  return response.status;
}

before(async () => {
  receiver = createServer(receive);
  await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
  service = await startService();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, service.url);
});

after(async () => {
  await browser?.close();
  service?.stop();
  receiver?.close();
});

describe('managing an integration', () => {
  it('creates, edits, rotates, fills the guide and sees the first session', async () => {
    await page.goto(`${service.url}/integrations`);
    const form = page.locator('form', {
      has: page.getByRole('button', { name: /Create integration/ }),
    });
    await form.getByLabel('Name').fill('Managed e2e');
    await form.getByLabel('Survey id').fill(SURVEY);
    await form.getByRole('button', { name: /Create integration/ }).click();

    const secrets = page.getByTestId('integration-secrets').first();
    await secrets.waitFor();
    assert.match(await secrets.textContent(), /shown only once/);
    const created = await secrets.locator('code').first().textContent();
    assert.match(created, /^bs_it_/);
    const check = page.getByTestId('check-it-works');
    await check.filter({ hasText: 'Waiting for the first session' }).waitFor();

    // Made without a token or datacenter: the page says both are missing; then they are set.
    const row = page.getByTestId('integrations').locator('li', { hasText: 'Managed e2e' }).first();
    await row.filter({ hasText: 'missing: base_url' }).waitFor();
    const edit = row.getByTestId('edit-integration');
    await edit.locator('summary').click();
    await edit.getByLabel('New API token').fill('qualtrics-api-token-e2e');
    await edit.getByLabel('Datacenter / host').fill('https://ca1.qualtrics.com');
    await edit.getByRole('button', { name: /Save/ }).click();
    await edit.getByTestId('edit-outcome').filter({ hasText: 'saved' }).waitFor();
    await row.filter({ hasText: 'configured' }).waitFor();
    const stored = (await service.call('GET', '/api/v1/integrations')).find(
      (i) => i.survey_id === SURVEY,
    );
    assert.equal(stored.has_api_token, true);
    assert.equal(stored.base_url.replace(/\/$/, ''), 'https://ca1.qualtrics.com');

    // Rotating shows a new token once; the service accepts it, and refuses one it never issued.
    await edit.getByRole('button', { name: /Rotate secrets/ }).click();
    const rotated = edit.getByTestId('integration-secrets');
    await rotated.waitFor();
    const token = await rotated.locator('code').first().textContent();
    assert.match(token, /^bs_it_/);
    assert.notEqual(token, created);
    assert.notEqual(await scoreWith(token), 401);
    assert.equal(await scoreWith(`bs_it_${'x'.repeat(32)}`), 401);

    // The setup guide: a publishable key made on the spot for the survey's origin, in the snippet.
    const guide = row.locator('details', { hasText: 'Setup guide' }).last();
    await guide.locator('summary', { hasText: 'Setup guide' }).click();
    await guide.getByLabel("The survey's origin").fill('https://acme.qualtrics.com/jfe/form/x');
    await guide.getByRole('button', { name: /Create a publishable key/ }).click();
    const key = await guide.getByTestId('publishable-key').locator('code').textContent();
    assert.match(key, /^bs_pk_/);
    await guide
      .getByTestId('setup-guide')
      .filter({ hasText: `key: '${key}'` })
      .waitFor();
    const keys = await service.call('GET', '/api/v1/keys');
    const made = keys.find((k) => key.startsWith(k.prefix) && k.kind === 'publishable');
    assert.deepEqual(made.allowed_origins, ['https://acme.qualtrics.com']);

    // The first live session of the survey: the panel notices it by itself and stops waiting.
    const session = await service.createSession(SURVEY, 'R_first');
    await check.filter({ hasText: 'First session arrived' }).waitFor();
    assert.match(await check.textContent(), new RegExp(session.session_id.slice(0, 8)));
    await page.screenshot({
      path: join(ARTIFACTS, 'dashboard-integrations-managed.png'),
      fullPage: true,
    });

    // An existing integration is checked from its row too, not only right after a create.
    await edit.getByRole('button', { name: /Check it works/ }).click();
    const watch = edit.getByTestId('check-it-works');
    await watch.filter({ hasText: 'First session arrived' }).waitFor();
    assert.match(await watch.textContent(), new RegExp(session.session_id.slice(0, 8)));

    // Deleting, once confirmed: the row goes, the rotated token stops working at once.
    page.once('dialog', (dialog) => dialog.accept());
    await edit.getByRole('button', { name: /Delete integration/ }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal(await scoreWith(token), 401);
    const left = await service.call('GET', '/api/v1/integrations');
    assert.equal(left.filter((i) => i.survey_id === SURVEY).length, 0);
  });

  it('adds a webhook, rotates its secret and sends a test signed with the new one', async () => {
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    await page.goto(`${service.url}/integrations`);
    await page.getByLabel('Webhook URL').fill(url);
    await page.getByRole('button', { name: /Add webhook/ }).click();
    const shown = page.getByTestId('webhook-secret');
    const first = await shown.locator('code').textContent();
    assert.match(first, /^whsec_/);
    const row = page.getByTestId('webhooks').locator('li', { hasText: url });
    await row.getByRole('button', { name: /Rotate secret/ }).click();
    await row.filter({ hasText: 'secret rotated' }).waitFor();
    const secret = await shown.locator('code').textContent();
    assert.notEqual(secret, first);
    await row.getByRole('button', { name: /Send a signed test/ }).click();
    await row.filter({ hasText: 'delivered (HTTP 200)' }).waitFor();
    const delivery = received.at(-1);
    const t = /t=(\d+)/.exec(delivery.signature)[1];
    const mac = createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex');
    assert.ok(delivery.signature.split(',').includes(`v1=${mac}`), delivery.signature);

    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: /^Delete$/ }).click();
    await row.waitFor({ state: 'detached' });
    const hooks = await service.call('GET', '/api/v1/integrations/webhooks');
    assert.equal(hooks.filter((h) => h.url === url).length, 0);
  });
});
