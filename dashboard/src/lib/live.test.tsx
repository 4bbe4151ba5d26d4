import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

vi.mock('react-toastify', () => ({ toast: { warn: vi.fn() } }));

import { toast } from 'react-toastify';
import { applyEvents, backoff, patchLists } from './live';

const row = (id: string) => ({
  session_id: id,
  created_at: '2026-01-01T00:00:00Z',
  survey_id: 'SV',
  platform: 'web',
  respondent_id: null,
  status: 'active',
  event_count: 0,
  is_bot: null,
  bot_probability: null,
  risk_level: null,
  label: null,
});

function clientWithList() {
  const client = new QueryClient();
  client.setQueryData(['sessions', {}], {
    pages: [{ items: [row('a'), row('b')], next_cursor: null }],
    pageParams: [''],
  });
  return client;
}

describe('live updates', () => {
  it('patch the row of a known session in every cached list', () => {
    const client = clientWithList();
    const found = patchLists(client, {
      event: 'session_updated',
      data: { session_id: 'b', event_count: 42 },
    });
    expect(found).toBe(true);
    const data = client.getQueryData<{ pages: { items: { event_count: number }[] }[] }>([
      'sessions',
      {},
    ]);
    expect(data?.pages[0].items.map((r) => r.event_count)).toEqual([0, 42]);
  });

  it('refresh the lists for an unknown session and raise a toast for high risk', () => {
    const client = clientWithList();
    const refresh = vi.fn();
    applyEvents(
      client,
      [
        {
          event: 'analysis_complete',
          data: {
            session_id: 'zzzzzzzz-new',
            risk_level: 'critical',
            is_bot: true,
            bot_probability: 0.99,
          },
        },
      ],
      ['high', 'critical'],
      refresh,
    );
    expect(refresh).toHaveBeenCalledOnce();
    expect(toast.warn).toHaveBeenCalledOnce();
  });

  it('back off up to thirty seconds between reconnects', () => {
    expect(backoff(0)).toBeLessThanOrEqual(1250);
    expect(backoff(10)).toBeLessThanOrEqual(37_500);
    expect(backoff(10)).toBeGreaterThanOrEqual(22_500);
  });
});
