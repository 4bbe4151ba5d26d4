// The real browsers of the suite, each started as a plain process with the page's URL, the way
// a person opens a link: no WebDriver, no DevTools protocol, no automation flags. Each gets a
// fresh profile and its own HOME in a temporary folder, so nothing of the machine's user is read.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// Only what keeps a fresh profile from opening its welcome, default-browser and update pages
// over ours, or from calling home; none of it changes what a page can read.
const QUIET_FIREFOX = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.aboutwelcome.enabled': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'startup.homepage_welcome_url': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'browser.discovery.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

function userJs(prefs) {
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
    .join('');
}

function firefox(name, extraPrefs, what) {
  return {
    name,
    what,
    binary: '/usr/bin/firefox-esr',
    userAgent: /Gecko\/20100101 Firefox\/\d+/,
    command(url, profile) {
      writeFileSync(join(profile, 'user.js'), userJs({ ...QUIET_FIREFOX, ...extraPrefs }));
      return [this.binary, ['--no-remote', '--new-instance', '--profile', profile, url], {}];
    },
  };
}

export const BROWSERS = [
  {
    name: 'chromium',
    what: "Debian's Chromium, headful",
    binary: '/usr/bin/chromium',
    userAgent: /Chrome\/\d+/,
    command(url, profile) {
      const args = [
        `--user-data-dir=${profile}`,
        '--no-first-run',
        '--no-default-browser-check',
        '--password-store=basic',
        '--disable-background-networking',
        url,
      ];
      // Chromium refuses to start as root with its sandbox; the page sees no difference.
      return [this.binary, asRoot ? ['--no-sandbox', ...args] : args, {}];
    },
  },
  firefox('firefox', {}, 'Firefox ESR'),
  firefox(
    'firefox-rfp',
    { 'privacy.resistFingerprinting': true },
    'Firefox ESR with privacy.resistFingerprinting',
  ),
  {
    name: 'epiphany',
    what: 'GNOME Web (WebKitGTK)',
    binary: '/usr/bin/epiphany-browser',
    userAgent: /Version\/[\d.]+ Safari\/[\d.]+$/,
    command(url) {
      const runSession = '/usr/bin/dbus-run-session';
      const args = ['--private-instance', url];
      // WebKitGTK's bubblewrap sandbox cannot create namespaces inside a container; the web
      // process then crashes at once. Without it, pages run the same engine unchanged.
      const env = { WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS: '1' };
      return existsSync(runSession)
        ? [runSession, ['--', this.binary, ...args], env]
        : [this.binary, args, env];
    },
  },
];

/** Why `spec` cannot run here, or null. */
export function missing(spec) {
  return existsSync(spec.binary) ? null : `${spec.binary} is not installed`;
}

const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null || child.pid === undefined;

function killGroup(child, signal) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Start `spec` on `display` with `url`. `stop()` ends the browser's whole process group (its
 * content processes and D-Bus session too) and removes its profile; it is safe to call twice.
 */
export function open(spec, url, display) {
  const home = mkdtempSync(join(tmpdir(), `botsieve-${spec.name}-`));
  const profile = join(home, 'profile');
  mkdirSync(profile);
  const [command, args, env] = spec.command(url, profile);
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      DISPLAY: display,
      // Every browser runs in UTC, so the records it leaves say nothing of the machine's place.
      TZ: 'UTC',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local/share'),
    },
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-6000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => keep(`could not start ${command}: ${error.message}\n`));
  const gone = new Promise((resolve) => child.on('exit', resolve));
  // Should the test process itself be ended (Ctrl-C, a crash), the browser goes with it.
  const orphaned = () => {
    killGroup(child, 'SIGKILL');
    rmSync(home, { force: true, recursive: true });
  };
  process.once('exit', orphaned);
  let stopped = false;
  return {
    exited: () => exited(child),
    log: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.pid !== undefined && !exited(child)) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      // Content processes that outlived their parent are still in the group.
      killGroup(child, 'SIGKILL');
      process.removeListener('exit', orphaned);
      rmSync(home, { force: true, recursive: true });
    },
  };
}
