// The published builds load where they are meant to, and do nothing where there is no browser.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/', import.meta.url);

describe('package builds', () => {
  it('ESM and CJS export the same API and are inert outside a browser', async () => {
    const esm = await import(new URL('index.js', dist).href);
    const cjs = require(new URL('index.cjs', dist).pathname);
    for (const api of [esm, cjs]) {
      assert.equal(typeof api.start, 'function');
      assert.equal(
        api.version,
        JSON.parse(readFileSync(new URL('../package.json', import.meta.url))).version,
      );
      const handle = api.start({ endpoint: 'http://127.0.0.1:9', key: 'pk_x' });
      assert.equal(await handle.sessionId, null);
      assert.deepEqual(handle.stats(), { queued: 0, sent: 0, dropped: 0 });
    }
  });

  it('ships type declarations for the public API', () => {
    const types = readFileSync(new URL('index.d.ts', dist), 'utf8');
    assert.match(types, /export declare function start\(options: StartOptions\): Handle/);
    assert.ok(existsSync(new URL('types.d.ts', dist)));
  });

  it('the script-tag build exposes botsieve.start and botsieve.version', () => {
    const code = readFileSync(new URL('botsieve.min.js', dist), 'utf8');
    const sandbox = {};
    new Function('window', 'self', `var globalThis=window;${code};window.botsieve=botsieve;`)(
      sandbox,
      sandbox,
    );
    assert.deepEqual(Object.keys(sandbox.botsieve).sort(), ['start', 'version']);
  });

  it('the demo survey serves the current script-tag build', () => {
    const built = readFileSync(new URL('botsieve.min.js', dist));
    const demo = readFileSync(
      new URL('../../../src/botsieve/demo/static/botsieve.min.js', import.meta.url),
    );
    assert.ok(
      built.equals(demo),
      'run `npm run build` and commit src/botsieve/demo/static/botsieve.min.js',
    );
  });
});
