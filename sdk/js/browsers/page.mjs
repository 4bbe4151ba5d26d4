// The survey site of the suite: one page that starts the built collector (dist/botsieve.min.js,
// the script-tag build customers load) as soon as it opens, then a second page that first applies
// a stealth tool's patches to the navigator and starts it again. Served from its own origin, so
// the service sees a real cross-origin survey with a publishable key.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';

const SCRIPT = resolve(import.meta.dirname, '../dist/botsieve.min.js');

export const surveyOf = (browser, patched) => `browsers-${browser}${patched ? '-patched' : ''}`;

// What stealth plugins do: a JS getter defined on the navigator itself; a Proxy over the
// prototype's native getter; and a Proxy over WebGL's getParameter whose toString lies, in this
// frame and in every frame the page opens, so that only the Proxy's own nature can give it away.
const STEALTH = `
Object.defineProperty(navigator, 'webdriver', { get: () => false, configurable: true });
var proto = Object.getPrototypeOf(navigator);
var languages = Object.getOwnPropertyDescriptor(proto, 'languages').get;
Object.defineProperty(proto, 'languages', {
  get: new Proxy(languages, { apply: function () { return ['en-US', 'en']; } }),
  configurable: true,
});
var gl = WebGLRenderingContext.prototype;
var fake = new Proxy(gl.getParameter, {
  apply: function (target, self, args) {
    return args[0] === 37446 ? 'Intel Iris OpenGL Engine' : Reflect.apply(target, self, args);
  },
});
gl.getParameter = fake;
var lying = new Proxy(Function.prototype.toString, {
  apply: function (target, self, args) {
    return self === fake ? 'function getParameter() { [native code] }' : Reflect.apply(target, self, args);
  },
});
Function.prototype.toString = lying;
var frameWindow = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow').get;
Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
  get: function () {
    var realm = frameWindow.call(this);
    if (realm) realm.Function.prototype.toString = lying;
    return realm;
  },
  configurable: true,
});`;

/** What the collector must name on the patched page, in every browser. */
export const PATCHED = [
  'navigator.webdriver',
  'navigator.languages',
  'WebGLRenderingContext.getParameter',
  'Function.prototype.toString',
];

function page({ endpoint, key, browser, patched }) {
  const options = JSON.stringify({
    endpoint,
    key,
    surveyId: surveyOf(browser, patched),
    respondentId: 'real-browser',
    platform: 'web',
  });
  const next = patched
    ? "document.title = 'done';"
    : `location.assign('/patched?as=${encodeURIComponent(browser)}');`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>botsieve in ${browser}</title></head><body>
<h1>A survey page</h1><p>The collector runs here as soon as the page opens.</p>
${patched ? `<script>${STEALTH}</script>` : ''}
<script src="/botsieve.min.js"></script>
<script>
var handle = botsieve.start(${options});
handle.sessionId.then(function () { ${next} });
</script></body></html>`;
}

/** Serve the pages; `configure({endpoint, key})` once the service is up. */
export async function startPages() {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\``);
  const script = readFileSync(SCRIPT, 'utf8');
  let config = null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const send = (type, body) => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/botsieve.min.js') return send('text/javascript', script);
    const browser = url.searchParams.get('as') || 'unknown';
    if (config && (url.pathname === '/collect' || url.pathname === '/patched')) {
      return send('text/html', page({ ...config, browser, patched: url.pathname === '/patched' }));
    }
    res.writeHead(404).end();
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    configure: (value) => {
      config = value;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
