export const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;

export const num = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US');

export const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }) : '—';

export const RISK_COLOURS: Record<string, string> = {
  low: 'bg-emerald-100 text-emerald-800',
  medium: 'bg-amber-100 text-amber-800',
  high: 'bg-orange-100 text-orange-800',
  critical: 'bg-red-100 text-red-800',
};

/** A session id short enough for a list that still tells sessions apart: the id's random
 * tail. Time-ordered ids made seconds apart share their first characters (the time), so the
 * start of an id does not. Search accepts it as it is shown. */
export const shortId = (id: string) => `…${id.slice(-8)}`;
