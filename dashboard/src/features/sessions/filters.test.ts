import { describe, expect, it } from 'vitest';
import { readFilters, toQuery } from './filters';

describe('session filters in the URL', () => {
  it('reads only known, non-empty filters', () => {
    const params = new URLSearchParams('risk=high&q=&foo=bar&platform=web');
    expect(readFilters(params)).toEqual({ risk: 'high', platform: 'web' });
  });

  it('turns a time range into a since, rounded to the minute', () => {
    const now = Date.UTC(2026, 0, 10, 12, 30, 45);
    expect(toQuery({ range: '24h', verdict: 'bot' }, now)).toEqual({
      since: '2026-01-09T12:30:00.000Z',
      verdict: 'bot',
    });
    expect(toQuery({ range: 'all' }, now)).toEqual({});
  });
});
