/**
 * Names of native functions that were replaced: their source is not `[native code]`; or a
 * clean `Function.prototype.toString` from a fresh frame shows a Proxy (it prints as
 * `function () { [native code] }`, without its target's name); or they accept a cyclic
 * prototype, which a real function refuses and a Proxy, whose cycle check stops at itself, does
 * not; or the navigator has a property of its own over one of its prototype's, which no browser
 * has and `Object.defineProperty(navigator, 'webdriver', …)` makes. Stealth plugins patch these
 * to hide automation, and patch toString in every frame too.
 *
 * A getter's name is `get webdriver`, but engines print it differently: Chromium as
 * `function get webdriver()`, Firefox and WebKit as `function webdriver()`. Both are native.
 */

type Lookup = () => unknown;

const prototypeOf = (owner: string): Record<string, unknown> | undefined =>
  (window as unknown as Record<string, { prototype?: Record<string, unknown> } | undefined>)[owner]
    ?.prototype;
const getter = (owner: object | undefined, name: string): unknown =>
  owner ? Object.getOwnPropertyDescriptor(owner, name)?.get : undefined;
/** A method on `owner.prototype`. */
const method =
  (owner: string, name: string): Lookup =>
  () =>
    prototypeOf(owner)?.[name];
/** A getter on `owner.prototype`. */
const accessor =
  (owner: string, name: string): Lookup =>
  () =>
    getter(prototypeOf(owner), name);
const navProto = (name: string): Lookup => accessor('Navigator', name);

const CHECKED: Record<string, Lookup> = {
  'Function.prototype.toString': () => Function.prototype.toString,
  'navigator.webdriver': navProto('webdriver'),
  'navigator.languages': navProto('languages'),
  'navigator.plugins': navProto('plugins'),
  'navigator.mimeTypes': navProto('mimeTypes'),
  'navigator.userAgent': navProto('userAgent'),
  'navigator.platform': navProto('platform'),
  'navigator.vendor': navProto('vendor'),
  'navigator.hardwareConcurrency': navProto('hardwareConcurrency'),
  'navigator.deviceMemory': navProto('deviceMemory'),
  'navigator.permissions.query': method('Permissions', 'query'),
  'Notification.permission': () =>
    getter((window as unknown as Record<string, object | undefined>).Notification, 'permission'),
  'WebGLRenderingContext.getParameter': method('WebGLRenderingContext', 'getParameter'),
  'WebGL2RenderingContext.getParameter': method('WebGL2RenderingContext', 'getParameter'),
  'HTMLCanvasElement.toDataURL': method('HTMLCanvasElement', 'toDataURL'),
  'HTMLMediaElement.canPlayType': method('HTMLMediaElement', 'canPlayType'),
  'HTMLIFrameElement.contentWindow': accessor('HTMLIFrameElement', 'contentWindow'),
  'Date.getTimezoneOffset': method('Date', 'getTimezoneOffset'),
  'Intl.DateTimeFormat.resolvedOptions': () => Intl.DateTimeFormat.prototype.resolvedOptions,
  'Screen.width': accessor('Screen', 'width'),
  'window.outerWidth': () => getter(window, 'outerWidth'),
  'document.hasFocus': method('Document', 'hasFocus'),
  'MediaDevices.enumerateDevices': method('MediaDevices', 'enumerateDevices'),
};

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/** Does `source` (from a clean toString) name `fn` the way a native function of that name does? */
function namesItself(fn: { name: string }, source: string): boolean {
  const bare = fn.name.replace(/^[gs]et /, '');
  if (!bare) return true;
  const head = source.slice(0, source.indexOf('('));
  return head === `function ${bare}` || head === `function ${fn.name}`;
}

/** Navigator fields a page script defined on the navigator itself, over the prototype's. */
function navigatorOverrides(): string[] {
  const proto = Object.getPrototypeOf(navigator);
  return Object.getOwnPropertyNames(navigator)
    .filter((name) => proto && name in proto)
    .map((name) => `navigator.${name}`);
}

/** True for a Proxy: setting a prototype that inherits from it is a cycle only for the real thing.
 * The prototype is put back at once, so a real function is never changed. */
function acceptsCycle(fn: object): boolean {
  const original = Object.getPrototypeOf(fn);
  try {
    Object.setPrototypeOf(fn, Object.create(fn));
    return true;
  } catch {
    return false;
  } finally {
    try {
      Object.setPrototypeOf(fn, original);
    } catch {
      // Frozen: nothing was changed either.
    }
  }
}

/** `Function.prototype.toString` from a new, empty frame, untouched by page scripts. */
function cleanToString(): ((this: unknown) => string) | null {
  const frame = document.createElement('iframe');
  frame.style.display = 'none';
  document.documentElement.appendChild(frame);
  try {
    const realm = frame.contentWindow as (Window & { Function: FunctionConstructor }) | null;
    return realm ? realm.Function.prototype.toString : null;
  } finally {
    frame.remove();
  }
}

export function nativeFunctionsPatched(): string[] {
  const clean = cleanToString();
  const patched: string[] = [];
  for (const [name, lookup] of Object.entries(CHECKED)) {
    const fn = lookup();
    if (typeof fn !== 'function') continue;
    let suspect: boolean;
    try {
      suspect = acceptsCycle(fn) || !NATIVE.test(Function.prototype.toString.call(fn));
      if (!suspect && clean) {
        const source = clean.call(fn);
        suspect = !NATIVE.test(source) || !namesItself(fn, source);
      }
    } catch {
      suspect = true;
    }
    if (suspect) patched.push(name);
  }
  for (const name of navigatorOverrides()) if (!patched.includes(name)) patched.push(name);
  return patched;
}
