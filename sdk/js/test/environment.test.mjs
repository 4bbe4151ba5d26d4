import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPage, startAll, startIn, waitFor } from './harness.mjs';

// The key names the engine's detectors read (docs/events.md, issue 4): a rename must fail here.
const KEYS = [
  'webdriver',
  'userAgent',
  'userAgentData',
  'appVersion',
  'platform',
  'languages',
  'timezone',
  'screen',
  'window',
  'devicePixelRatio',
  'touch',
  'plugins',
  'mimeTypes',
  'notificationPermission',
  'permissionsQueryState',
  'webgl',
  'hardwareConcurrency',
  'deviceMemory',
  'worker',
  'nativeFunctionsPatched',
  'automationGlobals',
  'evalLength',
  'productSub',
  'vendor',
  'timerResolution',
];

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

describe('environment record', () => {
  it('has every signal under its contract name, each timed', async () => {
    const { page } = await openPage(browser, pages);
    const env = await page.evaluate(() => window.T.collectEnvironment(2000));
    assert.deepEqual(
      Object.keys(env)
        .filter((k) => k !== '_timings')
        .sort(),
      [...KEYS].sort(),
    );
    assert.deepEqual(Object.keys(env._timings).sort(), [...KEYS].sort());
    for (const ms of Object.values(env._timings)) assert.ok(ms >= 0 && ms < 2000);
    await page.close();
  });

  it('reads what Chromium under Playwright really is', async () => {
    const { page } = await openPage(browser, pages);
    const env = await page.evaluate(() => window.T.collectEnvironment(2000));
    const truth = await page.evaluate(() => ({
      ua: navigator.userAgent,
      cores: navigator.hardwareConcurrency,
      inner: window.innerWidth,
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }));
    assert.equal(env.webdriver, true, 'Playwright sets navigator.webdriver');
    assert.equal(env.userAgent, truth.ua);
    assert.equal(env.hardwareConcurrency, truth.cores);
    assert.equal(env.window.innerWidth, truth.inner);
    assert.equal(typeof env.screen.width, 'number');
    assert.equal(env.evalLength, 33);
    assert.equal(env.vendor, 'Google Inc.');
    assert.equal(env.productSub, '20030107');
    assert.ok(Array.isArray(env.languages) && env.languages.length > 0);
    assert.equal(env.timezone, truth.zone);
    assert.equal(typeof env.webgl.renderer, 'string', JSON.stringify(env.webgl));
    assert.equal(env.worker.userAgent, truth.ua);
    assert.equal(env.worker.hardwareConcurrency, truth.cores);
    assert.deepEqual(env.nativeFunctionsPatched, [], 'nothing is patched in a plain page');
    assert.deepEqual(env.automationGlobals, []);
    assert.ok(env.userAgentData.brands.length > 0);
    // Chromium's clock outside cross-origin isolation steps in 100 µs.
    assert.equal(env.timerResolution, 0.1);
    await page.close();
  });

  it('finds a JS getter defined on the navigator itself, as stealth tools hide webdriver', async () => {
    const { page } = await openPage(browser, pages);
    const env = await page.evaluate(() => {
      Object.defineProperty(navigator, 'webdriver', { get: () => false, configurable: true });
      Object.defineProperty(navigator, 'hardwareConcurrency', { value: 8 });
      return window.T.collectEnvironment(2000);
    });
    assert.equal(env.webdriver, false, 'the patch works: webdriver reads false');
    assert.deepEqual(env.nativeFunctionsPatched, [
      'navigator.webdriver',
      'navigator.hardwareConcurrency',
    ]);
    await page.close();
  });

  it('reads the clock as a page coarsened it, without holding the page', async () => {
    const { page } = await openPage(browser, pages);
    const result = await page.evaluate(async () => {
      // What privacy.resistFingerprinting does to the clock: steps of one 60 Hz frame.
      const real = performance.now.bind(performance);
      const frame = 100 / 6;
      performance.now = () => Math.floor(real() / frame) * frame;
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 0);
      const step = await window.T.sources.timerResolution();
      clearInterval(ticking);
      return { step, ticks };
    });
    assert.equal(result.step, 16.67);
    assert.ok(result.ticks > 3, `the page ran meanwhile: ${result.ticks} timer ticks`);
    await page.close();
  });

  it('reports a clock that never moves as unsupported, not as a step of 0', async () => {
    const { page } = await openPage(browser, pages);
    const env = await page.evaluate(() => {
      performance.now = () => 1000;
      return window.T.collectEnvironment(2000);
    });
    assert.deepEqual(env.timerResolution, { error: 'unsupported' });
    await page.close();
  });

  it('names native functions a page script replaced, including Proxies', async () => {
    const { page } = await openPage(browser, pages);
    const patched = await page.evaluate(() => {
      const proto = Object.getPrototypeOf(navigator);
      const original = Object.getOwnPropertyDescriptor(proto, 'webdriver').get;
      Object.defineProperty(proto, 'webdriver', {
        get: new Proxy(original, {}),
        configurable: true,
      });
      WebGLRenderingContext.prototype.getParameter = function getParameter() {
        return 'Intel Inc.';
      };
      return window.T.collectEnvironment(2000).then((env) => env.nativeFunctionsPatched);
    });
    assert.ok(patched.includes('navigator.webdriver'), `Proxy found: ${patched}`);
    assert.ok(patched.includes('WebGLRenderingContext.getParameter'), `${patched}`);
    assert.ok(!patched.includes('navigator.languages'), `${patched}`);
    await page.close();
  });

  it('sees through a Proxy whose toString lies in every frame, and leaves it working', async () => {
    const { page } = await openPage(browser, pages);
    const result = await page.evaluate(async () => {
      const proto = WebGLRenderingContext.prototype;
      const original = proto.getParameter;
      const proxy = new Proxy(original, {
        apply: (target, self, args) =>
          args[0] === 37446 ? 'Intel Iris' : target.apply(self, args),
      });
      proto.getParameter = proxy;
      // What stealth plugins do: toString answers "native" for the Proxy, in any realm.
      const nativeToString = Function.prototype.toString;
      const lie = (fn) => (fn === proxy ? 'function getParameter() { [native code] }' : undefined);
      Function.prototype.toString = new Proxy(nativeToString, {
        apply: (target, self, args) => lie(self) ?? target.apply(self, args),
      });
      const frameToString = HTMLIFrameElement.prototype.__lookupGetter__('contentWindow');
      Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
        get() {
          const realm = frameToString.call(this);
          if (realm) realm.Function.prototype.toString = Function.prototype.toString;
          return realm;
        },
      });
      const env = await window.T.collectEnvironment(2000);
      const gl = document.createElement('canvas').getContext('webgl');
      return {
        patched: env.nativeFunctionsPatched,
        stillWorks: typeof proto.getParameter.call(gl, gl.VERSION) === 'string',
        protoKept: Object.getPrototypeOf(proxy) === Function.prototype,
        realKept: Object.getPrototypeOf(Document.prototype.hasFocus) === Function.prototype,
      };
    });
    assert.ok(result.patched.includes('WebGLRenderingContext.getParameter'), `${result.patched}`);
    assert.ok(result.patched.includes('Function.prototype.toString'), `${result.patched}`);
    assert.ok(!result.patched.includes('document.hasFocus'));
    assert.deepEqual([result.stillWorks, result.protoKept, result.realKept], [true, true, true]);
    await page.close();
  });

  it('finds globals that automation tools leave behind', async () => {
    const { page } = await openPage(browser, pages);
    const found = await page.evaluate(() => {
      window.cdc_adoQpoasnfa76pfcZLmcfl_Array = [];
      window.__playwright_evaluation = 1;
      document.documentElement.setAttribute('webdriver', 'true');
      return window.T.collectEnvironment(2000).then((env) => env.automationGlobals);
    });
    assert.deepEqual(found.sort(), [
      '__playwright_evaluation',
      'attr:webdriver',
      'cdc_adoQpoasnfa76pfcZLmcfl_Array',
    ]);
    await page.close();
  });

  it('turns a broken or hanging source into a typed failure and keeps the rest', async () => {
    const { page } = await openPage(browser, pages);
    // The worker source never settles, so the call returning at all (with its typed timeout)
    // is the proof that it is bounded; no wall-clock bound, which a busy machine could miss.
    const env = await page.evaluate(() =>
      window.T.collectEnvironment(300, {
        ...window.T.sources,
        webgl: () => {
          throw new TypeError('boom');
        },
        worker: () => new Promise(() => {}),
        deviceMemory: () => window.T.fail('unsupported'),
      }),
    );
    assert.deepEqual(env.webgl, { error: 'threw: boom' });
    assert.deepEqual(env.worker, { error: 'timeout' });
    assert.deepEqual(env.deviceMemory, { error: 'unsupported' });
    assert.equal(typeof env.userAgent, 'string');
    assert.ok(env._timings.worker >= 290);
    await page.close();
  });

  it('is sent once, in the session-creation body, with the survey fields', async () => {
    const { page } = await openPage(browser, pages);
    await startIn(page, service, { platform: 'qualtrics', metadata: { panel: 'A' } });
    const id = await page.evaluate(() => window.h.sessionId);
    const create = service.state.sessions.get(id).create;
    assert.equal(create.platform, 'qualtrics');
    assert.equal(create.survey_id, 'survey-1');
    assert.equal(create.respondent_id, 'resp-1');
    assert.deepEqual(create.metadata, { panel: 'A' });
    assert.deepEqual(
      Object.keys(create.environment)
        .filter((k) => k !== '_timings')
        .sort(),
      [...KEYS].sort(),
    );
    assert.ok(JSON.stringify(create).length < 32 * 1024, 'environment within 32 KB');
    await page.evaluate(() => window.h.stop());
    await page.close();
  });

  it('does not hold back the first events while it is gathered', async () => {
    const { page } = await openPage(browser, pages);
    service.state.behaviour.hangCreate = true;
    await startIn(page, service);
    await page.click('#btn');
    await waitFor(() => service.state.requests.some((r) => r.kind === 'create'), {
      what: 'create',
    });
    service.state.behaviour.hangCreate = false;
    const stats = await page.evaluate(() => window.h.stats());
    assert.ok(stats.queued >= 3, `click events buffered meanwhile: ${JSON.stringify(stats)}`);
    await page.close();
  });
});
