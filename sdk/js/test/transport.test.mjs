import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPage, startAll, startIn, waitFor } from './harness.mjs';

let browser;
let pages;
let service;
before(async () => {
  [browser, pages, service] = await startAll();
});
after(async () => {
  await browser?.close();
  pages?.close();
  service?.close();
});

const requestsOf = (id, kind) =>
  service.state.requests.filter(
    (r) => r.path.includes(`/sessions/${id}/`) && (!kind || r.kind === kind),
  );

describe('transport', () => {
  it('sends batches gzipped with the key and session token', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service);
    const id = await page.evaluate(() => window.h.sessionId);
    await page.click('#btn');
    await page.evaluate(() => window.h.flush());
    const [first] = requestsOf(id, 'events');
    assert.equal(first.encoding, 'gzip');
    assert.equal(first.auth, 'Bearer pk_test');
    assert.equal(first.status, 202);
    assert.match(first.batchId, /^[A-Za-z0-9._:-]{1,64}$/);
    assert.ok(service.events(id).some((e) => e.type === 'click'));
    await page.close();
  });

  it('sends every few hundred events without waiting for the timer', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service, { flushInterval: 60000, batchSize: 100 });
    const id = await page.evaluate(() => window.h.sessionId);
    await page.evaluate(() => {
      for (let i = 0; i < 250; i++) window.h.mark(`q${i}`);
    });
    await waitFor(() => service.events(id).length >= 200, { what: 'two full batches' });
    const sizes = requestsOf(id, 'events').map((r) => r.body.events.length);
    assert.deepEqual(sizes.slice(0, 2), [100, 100]);
    await page.close();
  });

  it('retries a batch whose answer was lost under the same batch_id, stored once', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service);
    const id = await page.evaluate(() => window.h.sessionId);
    service.state.behaviour.failAfterStore = 1;
    await page.evaluate(() => window.h.mark('once'));
    await waitFor(() => requestsOf(id, 'events').some((r) => r.duplicate), {
      what: 'the retry',
    });
    const tries = requestsOf(id, 'events').filter((r) =>
      r.body.events.some((e) => e.mark === 'once'),
    );
    assert.equal(tries.length, 2);
    assert.equal(tries[0].batchId, tries[1].batchId);
    assert.deepEqual([tries[0].status, tries[1].status], [503, 202]);
    assert.ok(tries[1].at - tries[0].at >= 900, 'backed off before retrying');
    assert.equal(service.events(id).filter((e) => e.mark === 'once').length, 1);
    await page.close();
  });

  it('drops a batch the service refuses and goes on with the next', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service);
    const id = await page.evaluate(() => window.h.sessionId);
    service.state.behaviour.rejectEvents = 1;
    await page.evaluate(() => window.h.mark('refused'));
    await page.evaluate(() => window.h.flush());
    await page.evaluate(() => window.h.mark('next'));
    await page.evaluate(() => window.h.flush());
    const marks = service
      .events(id)
      .filter((e) => e.type === 'page')
      .map((e) => e.mark);
    assert.deepEqual(marks, ['next']);
    const stats = await page.evaluate(() => window.h.stats());
    assert.equal(stats.dropped, 1);
    await page.close();
  });

  it('delivers the last events by beacon when the page is closed mid-batch', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service, { flushInterval: 60000 });
    const id = await page.evaluate(() => window.h.sessionId);
    await page.click('#btn');
    await page.evaluate(() => window.h.mark('last words'));
    assert.equal(service.events(id).length, 0, 'nothing sent yet: the batch is open');
    await page.close({ runBeforeUnload: true });
    await waitFor(() => requestsOf(id, 'beacon').length > 0, { what: 'the beacon' });
    const [beacon] = requestsOf(id, 'beacon');
    assert.equal(beacon.contentType, 'text/plain');
    assert.equal(beacon.body.key, 'pk_test');
    assert.equal(beacon.body.token, `tok-${id}`);
    assert.equal(beacon.status, 202);
    const stored = service.events(id);
    assert.ok(stored.some((e) => e.type === 'click'));
    assert.ok(stored.some((e) => e.mark === 'last words'));
  });

  it('delivers the last events by beacon when the respondent navigates away', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service, { flushInterval: 60000, resume: false });
    const id = await page.evaluate(() => window.h.sessionId);
    await page.evaluate(() => window.h.mark('before leaving'));
    await page.click('#next');
    await waitFor(() => service.events(id).some((e) => e.mark === 'before leaving'), {
      what: 'the beacon',
    });
    assert.ok(requestsOf(id, 'beacon').length > 0);
    await page.close();
  });

  it('holds a bounded number of events while the service does not answer', async () => {
    const { page } = await openPage(browser, pages);
    service.state.behaviour.hangCreate = true;
    await startIn(page, service, { maxBuffer: 2000, batchSize: 200 });
    const stats = await page.evaluate(() => {
      for (let i = 0; i < 30000; i++) window.h.mark(`q${i % 50}`);
      return window.h.stats();
    });
    service.state.behaviour.hangCreate = false;
    assert.ok(stats.queued <= 2000, `queued ${stats.queued}`);
    assert.ok(stats.queued >= 1800, `queued ${stats.queued}`);
    assert.equal(stats.dropped + stats.queued, 30000);
    await page.close();
  });
});
