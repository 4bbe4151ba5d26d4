/**
 * One running collector: recorders feed a bounded queue of batches, a single sender drains it
 * to the service, and the page's last events leave by beacon. Every path swallows its errors:
 * the survey around it must never notice the collector, even when the service is down.
 */
import { recorders } from './recorders/index';
import { collectEnvironment } from './sources/index';
import { forgetSession, loadSession, type StoredSession, saveSession, storageKey } from './store';
import { type Batch, createTransport } from './transport';
import type {
  CollectorEvent,
  EventType,
  FieldValue,
  Handle,
  PagePhase,
  StartOptions,
} from './types';
import { listen, randomId } from './util';

const MAX_T = 86400000;
const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
const SESSION_ATTEMPTS = 5;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCollector(options: StartOptions): Handle {
  const onError = options.onError || (() => {});
  const flushInterval = options.flushInterval || 4000;
  const batchSize = Math.min(options.batchSize || 250, 5000);
  const maxBatches = Math.max(1, Math.ceil((options.maxBuffer || 5000) / batchSize));
  const name = storageKey(options.key, options.surveyId, options.respondentId);
  const transport = createTransport(options.endpoint, options.key);

  let session: StoredSession | null = options.resume === false ? null : loadSession(name);
  const epoch = session ? session.epoch : performance.timeOrigin + performance.now();
  const offset = performance.timeOrigin - epoch;
  const prefix = randomId(8);
  let sequence = 0;
  let current: CollectorEvent[] = [];
  const queue: Batch[] = [];
  let dropped = 0;
  let sent = 0;
  let stopped = false;
  let sending: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** While backing off after a failure, nothing is sent before this time (epoch ms). */
  let retryAt = 0;

  /** Close the events gathered so far into a batch; the oldest batches go if the queue is full. */
  function cut(): void {
    if (!current.length) return;
    queue.push({ id: `${prefix}-${++sequence}`, events: current, attempts: 0 });
    current = [];
    while (queue.length > maxBatches) dropped += (queue.shift() as Batch).events.length;
  }

  function emit(
    type: EventType,
    source: Event | null,
    fields?: Record<string, FieldValue | undefined>,
  ): void {
    if (stopped) return;
    const stamp = source && source.timeStamp > 0 ? source.timeStamp : performance.now();
    const t = Math.round((stamp + offset) * 10) / 10;
    if (t > MAX_T) return;
    const event: CollectorEvent = {
      type,
      t: Math.max(t, 0),
      trusted: source ? source.isTrusted : true,
    };
    if (fields) {
      for (const field in fields) {
        const value = fields[field];
        if (value !== undefined) event[field] = value;
      }
    }
    current.push(event);
    if (current.length >= batchSize) {
      cut();
      void pump();
    }
  }

  async function drain(): Promise<void> {
    while (session && queue.length && Date.now() >= retryAt) {
      const batch = queue[0];
      const outcome = await transport.sendBatch(session, batch);
      if (outcome === 'fatal') {
        forgetSession(name);
        shutdown();
        return;
      }
      if (outcome === 'retry') {
        const wait = RETRY_DELAYS[Math.min(batch.attempts, RETRY_DELAYS.length - 1)];
        batch.attempts++;
        retryAt = Date.now() + wait;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => void pump(), wait);
        return;
      }
      if (outcome === 'ok') sent += batch.events.length;
      else dropped += batch.events.length;
      const index = queue.indexOf(batch);
      if (index >= 0) queue.splice(index, 1);
    }
  }

  /** Run the single sender; concurrent callers share the same run. */
  function pump(): Promise<void> {
    if (!sending) {
      sending = drain()
        .catch(onError)
        .then(() => {
          sending = null;
        });
    }
    return sending;
  }

  /** Hand everything still waiting to the browser's beacon queue; it outlives the page. */
  function beaconAll(): void {
    cut();
    if (!session) return;
    for (const batch of queue.slice()) {
      if (!transport.beacon(session, batch)) break;
      sent += batch.events.length;
      queue.splice(queue.indexOf(batch), 1);
    }
  }

  async function openSession(): Promise<StoredSession | null> {
    const environment = await collectEnvironment(options.environmentTimeout || 2500);
    const body = {
      platform: options.platform || 'web',
      survey_id: options.surveyId,
      respondent_id: options.respondentId,
      metadata: options.metadata,
      environment,
    };
    for (let attempt = 0; attempt < SESSION_ATTEMPTS && !stopped; attempt++) {
      if (attempt) await delay(RETRY_DELAYS[attempt - 1]);
      const created = await transport.createSession(body);
      if (created === 'fatal') return null;
      if (typeof created === 'object') {
        const expires = created.expires_at ? Date.parse(created.expires_at) : Number.NaN;
        const opened = {
          id: created.session_id,
          token: created.token,
          epoch,
          expires: Number.isNaN(expires) ? Date.now() + 86400000 : expires,
        };
        saveSession(name, opened);
        return opened;
      }
    }
    return null;
  }

  const ready: Promise<string | null> = (session ? Promise.resolve(session) : openSession())
    .catch((error) => {
      onError(error);
      return null;
    })
    .then((opened) => {
      if (!opened) {
        shutdown();
        return null;
      }
      session = opened;
      cut();
      void pump();
      return opened.id;
    });

  const detachers = Object.keys(recorders).map((recorder) => {
    try {
      return recorders[recorder]({
        emit,
        onError,
        on: (target, type, handler) => listen(target, type, handler, onError),
      });
    } catch (error) {
      onError(error);
      return () => {};
    }
  });
  const onHide = () => {
    if (document.visibilityState === 'hidden') beaconAll();
  };
  detachers.push(
    listen(window, 'pagehide', beaconAll, onError),
    listen(document, 'visibilitychange', onHide, onError),
  );
  const timer = setInterval(() => {
    cut();
    void pump();
  }, flushInterval);

  function detach(): void {
    stopped = true;
    clearInterval(timer);
    for (const off of detachers.splice(0)) {
      try {
        off();
      } catch (error) {
        onError(error);
      }
    }
  }

  function shutdown(): void {
    detach();
    clearTimeout(retryTimer);
    for (const batch of queue.splice(0)) dropped += batch.events.length;
    dropped += current.length;
    current = [];
  }

  return {
    sessionId: ready,
    mark(pageOrQuestion: string, phase: PagePhase = 'shown') {
      try {
        emit('page', null, { mark: String(pageOrQuestion).slice(0, 128), phase });
      } catch (error) {
        onError(error);
      }
    },
    async flush() {
      try {
        cut();
        await pump();
      } catch (error) {
        onError(error);
      }
    },
    async stop() {
      try {
        if (stopped) return;
        detach();
        // Give session creation a bounded moment so the events of this page still count.
        await Promise.race([ready, delay((options.environmentTimeout || 2500) + 5000)]);
        cut();
        await pump();
        if (queue.length) beaconAll();
        forgetSession(name);
      } catch (error) {
        onError(error);
      }
    },
    stats() {
      let queued = current.length;
      for (const batch of queue) queued += batch.events.length;
      return { queued, sent, dropped };
    },
  };
}
