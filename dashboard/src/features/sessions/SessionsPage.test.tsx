import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import SessionsPage from './SessionsPage';

const ROWS = 100_000;

function seededClient(filters: Record<string, string>) {
  const client = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } },
  });
  const items = Array.from({ length: ROWS }, (_, i) => ({
    session_id: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    created_at: '2026-01-01T00:00:00Z',
    survey_id: 'SV_big',
    platform: 'web',
    respondent_id: `R_${i}`,
    status: 'active',
    event_count: i,
    is_bot: i % 3 === 0,
    bot_probability: (i % 100) / 100,
    risk_level: 'low',
    quality_flags: i % 2 ? ['speeding', 'pasted_text'] : [],
    label: i % 5 === 0 ? 'bot' : null,
  }));
  client.setQueryData(['sessions', filters], {
    pages: [{ items, next_cursor: null }],
    pageParams: [''],
  });
  client.setQueryData(['settings'], { thresholds: { bot_probability: 0.5 } });
  return client;
}

describe('SessionsPage', () => {
  it('renders only the visible rows of 100,000', () => {
    render(
      <QueryClientProvider client={seededClient({ risk: 'low' })}>
        <MemoryRouter initialEntries={['/sessions?risk=low']}>
          <SessionsPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(screen.getByTestId('row-count').textContent).toContain('100,000 sessions loaded');
    const rendered = screen.getAllByTestId('session-row');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(80);
  });

  it('shows the filters from the URL', () => {
    render(
      <QueryClientProvider client={seededClient({ risk: 'low' })}>
        <MemoryRouter initialEntries={['/sessions?risk=low']}>
          <SessionsPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect((screen.getByLabelText('Risk') as HTMLSelectElement).value).toBe('low');
    expect((screen.getByLabelText('Verdict') as HTMLSelectElement).value).toBe('');
  });

  it('shows quality flags and labels as columns, and their filters from the URL', () => {
    const filters = { flag: 'speeding', label: 'bot' };
    render(
      <QueryClientProvider client={seededClient(filters)}>
        <MemoryRouter initialEntries={['/sessions?flag=speeding&label=bot']}>
          <SessionsPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect((screen.getByLabelText('Quality') as HTMLSelectElement).value).toBe('speeding');
    expect((screen.getByLabelText('Label') as HTMLSelectElement).value).toBe('bot');
    const [first, second] = screen.getAllByTestId('session-row');
    expect(first.querySelector('[data-testid="label"]')?.textContent).toBe('bot');
    expect(first.textContent).not.toContain('Speeding');
    const chips = [...second.querySelectorAll('[data-flag]')].map((e) => e.textContent);
    expect(chips).toEqual(['Speeding', 'Pasted text']);
  });
});
