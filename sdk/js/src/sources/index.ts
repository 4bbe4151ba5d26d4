/**
 * The environment record: every signal, one source per file, gathered in parallel. A source
 * that fails or does not answer in time yields `{"error": reason}` in place of its value, so
 * one broken signal never breaks the record. `_timings` holds each source's duration in ms.
 */
import { appVersion } from './app-version';
import { automationGlobals } from './automation-globals';
import { deviceMemory } from './device-memory';
import { devicePixelRatio } from './device-pixel-ratio';
import { evalLength } from './eval-length';
import { hardwareConcurrency } from './hardware-concurrency';
import { languages } from './languages';
import { mimeTypes } from './mime-types';
import { nativeFunctionsPatched } from './native-functions';
import { notificationPermission } from './notification-permission';
import { permissionsQueryState } from './permissions-query-state';
import { platform } from './platform';
import { plugins } from './plugins';
import { productSub } from './product-sub';
import { screen } from './screen';
import { type Source, SourceFailure } from './source';
import { timerResolution } from './timer-resolution';
import { timezone } from './timezone';
import { touch } from './touch';
import { userAgent } from './user-agent';
import { userAgentData } from './user-agent-data';
import { vendor } from './vendor';
import { webdriver } from './webdriver';
import { webgl } from './webgl';
import { windowSize } from './window-size';
import { worker } from './worker';

/** Key names are part of the contract with the engine's detectors: do not rename. */
export const sources: Record<string, Source> = {
  webdriver,
  userAgent,
  userAgentData,
  appVersion,
  platform,
  languages,
  timezone,
  screen,
  window: windowSize,
  devicePixelRatio,
  touch,
  plugins,
  mimeTypes,
  notificationPermission,
  permissionsQueryState,
  webgl,
  hardwareConcurrency,
  deviceMemory,
  worker,
  nativeFunctionsPatched,
  automationGlobals,
  evalLength,
  productSub,
  vendor,
  timerResolution,
};

export interface SourceError {
  error: string;
}

function reason(error: unknown): string {
  if (error instanceof SourceFailure) return error.reason;
  const message = error instanceof Error ? error.message : String(error);
  return `threw: ${message}`.slice(0, 120);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Gather every source; resolves within `timeout` ms whatever the sources do. */
export function collectEnvironment(
  timeout: number,
  registry: Record<string, Source> = sources,
): Promise<Record<string, unknown>> {
  const record: Record<string, unknown> = {};
  const timings: Record<string, number> = {};
  const pending = Object.keys(registry).map(
    (name) =>
      new Promise<void>((resolve) => {
        const begun = performance.now();
        const settle = (value: unknown) => {
          if (name in record) return;
          record[name] = value;
          timings[name] = round(performance.now() - begun);
          resolve();
        };
        const failed = (error: unknown) => settle({ error: reason(error) });
        setTimeout(() => settle({ error: 'timeout' }), timeout);
        try {
          const value = registry[name]();
          if (value instanceof Promise) value.then(settle, failed);
          else settle(value);
        } catch (error) {
          failed(error);
        }
      }),
  );
  return Promise.all(pending).then(() => {
    record._timings = timings;
    return record;
  });
}
