/**
 * @botsieve/collector: records how a respondent moves, types and navigates, and the browser
 * environment, and sends it to a botsieve service. It only collects; verdicts are computed by
 * the service. Nothing happens until `start` is called (consent first), and nothing the
 * respondent types is ever sent.
 */
import { createCollector } from './collector';
import type { Handle, StartOptions } from './types';

export type {
  CollectorEvent,
  CollectorStats,
  EventType,
  Handle,
  PagePhase,
  Platform,
  StartOptions,
} from './types';

export const version = '0.1.0';

let active: { key: string; handle: Handle } | null = null;

const inert: Handle = {
  sessionId: Promise.resolve(null),
  mark() {},
  flush: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  stats: () => ({ queued: 0, sent: 0, dropped: 0 }),
};

/**
 * Start collecting for one respondent. Calling it again on the same page with the same key
 * returns the running collector. It never throws: without a browser, or on any error, the
 * returned handle does nothing.
 */
export function start(options: StartOptions): Handle {
  try {
    if (typeof window === 'undefined' || typeof document === 'undefined') return inert;
    if (!options?.endpoint || !options.key) return inert;
    if (active && active.key === options.key) return active.handle;
    const handle = createCollector(options);
    const stop = handle.stop;
    active = { key: options.key, handle };
    handle.stop = () => {
      active = null;
      return stop();
    };
    return handle;
  } catch (error) {
    try {
      options?.onError?.(error);
    } catch {
      // The page's own handler failed; stay silent.
    }
    return inert;
  }
}
