import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import IntegrationsPage, { collectorSnippet } from './IntegrationsPage';

function renderWith(status: unknown) {
  const client = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } },
  });
  client.setQueryData(['integrations', 'status'], status);
  client.setQueryData(
    ['integrations', 'webhooks'],
    [
      {
        id: 'w1',
        url: 'https://hooks.example/in',
        events: ['result.ready'],
        active: true,
        created_at: '',
        rotating_until: null,
      },
    ],
  );
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <IntegrationsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('IntegrationsPage', () => {
  it('shows each platform, what it misses, its last error, and the webhooks', () => {
    renderWith({
      webhook_queue_depth: 2,
      integrations: [
        {
          id: 'i1',
          platform: 'qualtrics',
          name: 'Panel A',
          survey_id: 'SV_abc',
          configured: false,
          missing: ['api_token'],
          last_event_at: null,
          last_error: 'HTTP 401 from Qualtrics',
          last_error_at: '2026-01-01T00:00:00Z',
          queue_depth: 0,
        },
      ],
    });
    expect(screen.getByText('Panel A')).toBeTruthy();
    expect(screen.getByText('missing: api_token')).toBeTruthy();
    expect(screen.getByText(/HTTP 401 from Qualtrics/)).toBeTruthy();
    expect(screen.getByText('Webhooks (queue: 2)')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Send a signed test/ })).toBeTruthy();
    expect(screen.getByText(/surveyId: 'SV_abc'/)).toBeTruthy();
    const guide = screen.getByTestId('setup-guide').textContent ?? '';
    expect(guide).toContain('window.botsieve.start');
    expect(guide).toContain("respondentId: '${e://Field/ResponseID}'");
    expect(guide).toContain('/api/v1/integrations/qualtrics/score');
  });

  it('fills the Decipher guide with its respondent id and logic node', () => {
    const snippet = collectorSnippet('decipher', 'SV_d');
    expect(snippet).toContain("respondentId: '${uuid}'");
    expect(snippet).toContain("platform: 'decipher'");
    renderWith({
      webhook_queue_depth: 0,
      integrations: [
        {
          id: 'i2',
          platform: 'decipher',
          name: 'Panel D',
          survey_id: 'SV_d',
          configured: true,
          missing: [],
          last_event_at: null,
          last_error: null,
          last_error_at: null,
          queue_depth: 0,
        },
      ],
    });
    const guide = screen.getByTestId('setup-guide').textContent ?? '';
    expect(guide).toContain('respview.client.js');
    expect(guide).toContain('/api/v1/integrations/decipher/score');
  });

  it('says so when there are none', () => {
    renderWith({ webhook_queue_depth: 0, integrations: [] });
    expect(screen.getByText(/No integrations yet: add one above/)).toBeTruthy();
  });
  it('shows jobs that need attention with a retry, refused posts and the export', () => {
    renderWith({
      webhook_queue_depth: 0,
      integrations: [
        {
          id: 'i3',
          platform: 'decipher',
          name: 'Panel W',
          survey_id: 'selfserve/9d3/p1',
          configured: true,
          missing: [],
          last_event_at: null,
          last_error: null,
          last_error_at: null,
          queue_depth: 0,
          needs_attention: 1,
          refused_last_24h: 2,
          recent_refusals: [
            { at: '2026-01-01T00:00:00Z', status_code: 401, reason: 'Unknown integration token.' },
          ],
          waiting_jobs: [
            {
              id: 9,
              kind: 'decipher.backfill',
              status: 'needs_attention',
              response_id: 'u1',
              attempts: 1,
              last_status_code: 401,
              last_error: 'GET data: HTTP 401 invalid key',
              created_at: '2026-01-01T00:00:00Z',
            },
          ],
          redirect_path: '/api/v1/integrations/i3/redirect/abc',
        },
      ],
    });
    const waiting = screen.getByTestId('waiting-jobs').textContent ?? '';
    expect(waiting).toContain('Needs attention: 1');
    expect(waiting).toContain('decipher.backfill u1');
    expect(waiting).toContain('HTTP 401 invalid key');
    expect(screen.getByRole('button', { name: /Retry now/ })).toBeTruthy();
    const refused = screen.getByTestId('refusals').textContent ?? '';
    expect(refused).toContain('Refused posts in the last 24 h: 2');
    expect(refused).toContain('Unknown integration token.');
    expect(screen.getByRole('button', { name: /Reconciliation CSV/ })).toBeTruthy();
    expect(screen.getByText(/\/api\/v1\/integrations\/i3\/redirect\/abc\//)).toBeTruthy();
  });
});
