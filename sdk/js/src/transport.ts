/**
 * Talking to the service: session creation, event batches (gzip where the browser can), and
 * the beacon form for the last events of a page. Every call resolves to an outcome; nothing
 * here throws to the caller.
 */
import type { CollectorEvent } from './types';

export interface Batch {
  id: string;
  events: CollectorEvent[];
  attempts: number;
}

export interface SessionCredentials {
  id: string;
  token: string;
}

/** `ok`: stored (or already stored); `retry`: try later; `drop`: this batch can never be
 * stored; `fatal`: the session or key is no longer valid, stop collecting. */
export type Outcome = 'ok' | 'retry' | 'drop' | 'fatal';

export interface CreatedSession {
  session_id: string;
  token: string;
  expires_at?: string;
}

const KEEPALIVE_LIMIT = 60000;

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  if (status === 401 || status === 403 || status === 404 || status === 410) return 'fatal';
  return 'drop';
}

async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

export function createTransport(endpoint: string, key: string) {
  const base = `${endpoint.replace(/\/+$/, '')}/api/v1/detection/sessions`;
  let compress = typeof CompressionStream === 'function';

  async function post(
    url: string,
    json: string,
    headers: Record<string, string>,
    zipped: boolean,
  ): Promise<Response> {
    const body: BodyInit = zipped ? await gzip(json) : json;
    const size = typeof body === 'string' ? body.length : body.byteLength;
    return fetch(url, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      keepalive: size < KEEPALIVE_LIMIT,
      headers: {
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        ...(zipped ? { 'Content-Encoding': 'gzip' } : {}),
        ...headers,
      },
      body,
    });
  }

  return {
    /** Create the session; resolves to it, or to the outcome that stopped it. */
    async createSession(body: Record<string, unknown>): Promise<CreatedSession | Outcome> {
      try {
        const response = await post(base, JSON.stringify(body), {}, false);
        const outcome = outcomeOf(response.status);
        if (outcome !== 'ok') return outcome === 'retry' ? 'retry' : 'fatal';
        const created = (await response.json()) as CreatedSession;
        return created.session_id && created.token ? created : 'fatal';
      } catch {
        return 'retry';
      }
    },

    async sendBatch(session: SessionCredentials, batch: Batch): Promise<Outcome> {
      const json = JSON.stringify({ batch_id: batch.id, events: batch.events });
      // A network error on a gzip request may be a proxy or CORS setup that refuses
      // Content-Encoding: the next attempt goes plain, and if that works gzip stays off.
      const zipped = compress && batch.attempts % 2 === 0;
      try {
        const url = `${base}/${encodeURIComponent(session.id)}/events`;
        const response = await post(url, json, { 'X-Session-Token': session.token }, zipped);
        if (!zipped && batch.attempts % 2 === 1 && response.ok) compress = false;
        if (zipped && response.status === 415) {
          compress = false;
          return 'retry';
        }
        return outcomeOf(response.status);
      } catch {
        return 'retry';
      }
    },

    /** Queue the batch with `navigator.sendBeacon`; false if the browser refused it. */
    beacon(session: SessionCredentials, batch: Batch): boolean {
      if (typeof navigator.sendBeacon !== 'function') return false;
      const body = JSON.stringify({
        key,
        token: session.token,
        batch_id: batch.id,
        events: batch.events,
      });
      const url = `${base}/${encodeURIComponent(session.id)}/events`;
      return navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }));
    },
  };
}

export type Transport = ReturnType<typeof createTransport>;
