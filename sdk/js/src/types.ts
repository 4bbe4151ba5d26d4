/** Public types of the collector. The wire format is described in docs/events.md. */

export type Platform = 'qualtrics' | 'decipher' | 'web' | 'other';
export type PagePhase = 'shown' | 'submitted';

export interface StartOptions {
  /** Origin of the botsieve service, e.g. `https://botsieve.example.org`. */
  endpoint: string;
  /** A publishable key (`pk_…`). */
  key: string;
  surveyId?: string;
  respondentId?: string;
  platform?: Platform;
  /** Small flat object stored with the session (at most 4 KB once serialised). */
  metadata?: Record<string, unknown>;
  /** Send a batch at least this often (ms). Default 4000. */
  flushInterval?: number;
  /** Send as soon as this many events are waiting; also the largest batch. Default 250. */
  batchSize?: number;
  /** Most events held in memory while the service cannot be reached. Default 5000. */
  maxBuffer?: number;
  /** Longest wait for the environment record before the session is created (ms). Default 2500. */
  environmentTimeout?: number;
  /** Continue the session of an earlier page of the same survey in this tab. Default true. */
  resume?: boolean;
  /** Called with errors the collector swallowed; for debugging only. */
  onError?: (error: unknown) => void;
}

export interface Handle {
  /** The session's id once the service has created it; `null` if it could not be. */
  readonly sessionId: Promise<string | null>;
  /** Record that a page or question was shown (default) or submitted. */
  mark(pageOrQuestion: string, phase?: PagePhase): void;
  /** Send what is waiting now; resolves when sent or given up, never rejects. */
  flush(): Promise<void>;
  /** Detach every listener, send what is left, forget the session in this tab. */
  stop(): Promise<void>;
  /** Counters for debugging: events waiting, sent (acknowledged) and dropped. */
  stats(): CollectorStats;
}

export interface CollectorStats {
  queued: number;
  sent: number;
  dropped: number;
}

export type EventType =
  | 'mousemove'
  | 'mousedown'
  | 'mouseup'
  | 'click'
  | 'wheel'
  | 'scroll'
  | 'keydown'
  | 'keyup'
  | 'input'
  | 'paste'
  | 'copy'
  | 'focus'
  | 'blur'
  | 'visibilitychange'
  | 'resize'
  | 'touchstart'
  | 'touchmove'
  | 'touchend'
  | 'page';

export type FieldValue = number | string | boolean;

export interface CollectorEvent {
  type: EventType;
  t: number;
  trusted: boolean;
  [field: string]: FieldValue;
}

/** What a recorder gets: a way to emit events, and to listen without ever throwing. */
export interface RecorderContext {
  /** Attach a passive capturing listener whose errors go to `onError`; returns its detach. */
  on<E extends Event>(target: EventTarget, type: string, handler: (event: E) => void): () => void;
  onError(error: unknown): void;
  emit(
    type: EventType,
    source: Event | null,
    fields?: Record<string, FieldValue | undefined>,
  ): void;
}

/** A recorder attaches its listeners and returns the function that detaches them. */
export type Recorder = (ctx: RecorderContext) => () => void;
