/**
 * The session of this tab, kept in sessionStorage so that the next page of the same survey
 * continues it instead of starting another. Storage that throws (private modes, sandboxed
 * frames) just means no resume.
 */

export interface StoredSession {
  id: string;
  token: string;
  /** Epoch ms of the session's time zero, so `t` keeps counting across pages. */
  epoch: number;
  /** Epoch ms after which the service no longer accepts events. */
  expires: number;
}

const PREFIX = 'botsieve:';

export function storageKey(key: string, surveyId = '', respondentId = ''): string {
  return `${PREFIX}${key.slice(-12)}:${surveyId}:${respondentId}`;
}

export function loadSession(name: string): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(name);
    if (!raw) return null;
    const session = JSON.parse(raw) as StoredSession;
    return session.id && session.token && session.expires > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(name: string, session: StoredSession): void {
  try {
    sessionStorage.setItem(name, JSON.stringify(session));
  } catch {
    // No storage: the next page starts a new session.
  }
}

export function forgetSession(name: string): void {
  try {
    sessionStorage.removeItem(name);
  } catch {
    // Nothing stored then.
  }
}
