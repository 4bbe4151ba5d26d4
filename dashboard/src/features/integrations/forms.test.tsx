import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api';
import { CheckItWorks } from './CheckItWorks';
import { CreateIntegration } from './CreateIntegration';
import { EditIntegration } from './EditIntegration';
import { PublishableKey, surveyOrigin } from './PublishableKey';
import { Webhooks } from './Webhooks';

/** What openapi-fetch resolves to: the parsed body and the response it came in. */
const answer = (data: unknown, status = 200) =>
  Promise.resolve({ data, error: undefined, response: new Response(null, { status }) });
const refusal = (status: number, message: string) =>
  Promise.resolve({
    data: undefined,
    error: { error: { message } },
    response: new Response(null, { status }),
  });

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}>{children}</QueryClientProvider>);
}

const integration = {
  id: 'i1',
  platform: 'qualtrics',
  name: 'Panel A',
  survey_id: 'SV_abc',
  base_url: 'https://ca1.qualtrics.com',
  has_api_token: true,
  signed_events: true,
  config: {},
  active: true,
  created_at: '2026-01-01T00:00:00Z',
  last_event_at: null,
  last_error: null,
  redirect_path: '',
};
const secrets = {
  integration,
  token: 'bs_it_secret123',
  shared_key: 'shared-key-0123456789',
  event_path: '/api/v1/integrations/qualtrics/events/hook1',
};
const hook = {
  id: 'w1',
  url: 'https://hooks.example/in',
  events: ['result.ready'],
  active: true,
  created_at: '',
  rotating_until: null,
};
const status = {
  id: 'i1',
  platform: 'qualtrics',
  name: 'Panel A',
  survey_id: 'SV_abc',
  configured: true,
  missing: [],
  last_event_at: null,
  last_error: null,
  last_error_at: null,
  queue_depth: 0,
  needs_attention: 0,
  refused_last_24h: 0,
  redirect_path: '',
};
const field = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

afterEach(() => vi.restoreAllMocks());

describe('CreateIntegration', () => {
  it('sends what was filled in and shows the secrets once, with the check-it-works panel', async () => {
    const post = vi.spyOn(api, 'POST').mockReturnValue(answer(secrets, 201) as never);
    vi.spyOn(api, 'GET').mockReturnValue(answer({ items: [], next_cursor: null }) as never);
    wrap(<CreateIntegration />);
    field('Name', 'Panel A');
    field('Survey id', 'SV_abc');
    field('Datacenter / host', 'https://ca1.qualtrics.com');
    field('API token', 'qualtrics-token');
    fireEvent.click(screen.getByRole('button', { name: /Create integration/ }));
    await screen.findByTestId('integration-secrets');
    expect(post).toHaveBeenCalledWith('/api/v1/integrations', {
      body: {
        platform: 'qualtrics',
        name: 'Panel A',
        survey_id: 'SV_abc',
        base_url: 'https://ca1.qualtrics.com',
        api_token: 'qualtrics-token',
      },
    });
    const shown = screen.getByTestId('integration-secrets').textContent ?? '';
    expect(shown).toContain('shown only once');
    expect(shown).toContain('bs_it_secret123');
    expect(shown).toContain('shared-key-0123456789');
    expect(shown).toContain('/api/v1/integrations/qualtrics/events/hook1');
    expect(screen.getAllByRole('button', { name: /Copy/ })).toHaveLength(3);
    expect(await screen.findByText(/Waiting for the first session of/)).toBeTruthy();
  });

  it('leaves out an empty host and token, and says why the service refused', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockReturnValue(refusal(409, 'An integration for this survey exists.') as never);
    wrap(<CreateIntegration />);
    fireEvent.change(screen.getByLabelText('Platform'), { target: { value: 'decipher' } });
    field('Name', 'Tracker');
    field('Survey id', 'selfserve/1/2');
    fireEvent.click(screen.getByRole('button', { name: /Create integration/ }));
    expect(
      await screen.findByText(/Not created: An integration for this survey exists/),
    ).toBeTruthy();
    expect(post.mock.calls[0][1]).toEqual({
      body: {
        platform: 'decipher',
        name: 'Tracker',
        survey_id: 'selfserve/1/2',
        base_url: null,
        api_token: null,
      },
    });
    expect(screen.queryByTestId('integration-secrets')).toBeNull();
  });
});

describe('EditIntegration', () => {
  it('patches only the fields typed in, and rotates showing the new secrets', async () => {
    const patch = vi.spyOn(api, 'PATCH').mockReturnValue(answer(integration) as never);
    const post = vi.spyOn(api, 'POST').mockReturnValue(answer(secrets) as never);
    wrap(<EditIntegration integration={status} />);
    fireEvent.click(screen.getByRole('button', { name: /Save/ }));
    expect(screen.getByTestId('edit-outcome').textContent).toContain('nothing to save');
    expect(patch).not.toHaveBeenCalled();
    field('New API token', 'fresh-token');
    fireEvent.click(screen.getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(screen.getByTestId('edit-outcome').textContent).toBe('saved token'));
    expect(patch).toHaveBeenCalledWith('/api/v1/integrations/{integration_id}', {
      params: { path: { integration_id: 'i1' } },
      body: { api_token: 'fresh-token' },
    });
    fireEvent.click(screen.getByRole('button', { name: /Rotate secrets/ }));
    expect((await screen.findByTestId('integration-secrets')).textContent).toContain(
      'bs_it_secret123',
    );
    expect(post).toHaveBeenCalledWith('/api/v1/integrations/{integration_id}/rotate', {
      params: { path: { integration_id: 'i1' } },
    });
  });
});

describe('deleting', () => {
  it('deletes an integration only after the user confirms', async () => {
    const del = vi.spyOn(api, 'DELETE').mockReturnValue(answer(undefined, 204) as never);
    const confirm = vi
      .spyOn(window, 'confirm')
      .mockReturnValueOnce(false)
      .mockReturnValueOnce(true);
    wrap(<EditIntegration integration={status} />);
    fireEvent.click(screen.getByRole('button', { name: /Delete integration/ }));
    expect(confirm.mock.calls[0][0]).toContain('Panel A');
    expect(del).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: /Delete integration/ }));
    await waitFor(() =>
      expect(del).toHaveBeenCalledWith('/api/v1/integrations/{integration_id}', {
        params: { path: { integration_id: 'i1' } },
      }),
    );
  });

  it('says why a webhook was not deleted', async () => {
    vi.spyOn(api, 'GET').mockReturnValue(answer([hook]) as never);
    vi.spyOn(api, 'DELETE').mockReturnValue(refusal(403, 'Admins only.') as never);
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    wrap(<Webhooks queueDepth={0} />);
    fireEvent.click(await screen.findByRole('button', { name: /^Delete$/ }));
    expect(await screen.findByText(/not deleted: Admins only/)).toBeTruthy();
  });
});

describe('Webhooks', () => {
  it('adds a webhook and rotates its secret, each secret shown once', async () => {
    vi.spyOn(api, 'GET').mockReturnValue(answer([hook]) as never);
    const post = vi
      .spyOn(api, 'POST')
      .mockReturnValueOnce(answer({ webhook: hook, secret: 'whsec_first' }, 201) as never)
      .mockReturnValueOnce(answer({ webhook: hook, secret: 'whsec_second' }) as never);
    wrap(<Webhooks queueDepth={0} />);
    field('Webhook URL', 'https://hooks.example/in');
    fireEvent.click(screen.getByRole('button', { name: /Add webhook/ }));
    expect((await screen.findByTestId('webhook-secret')).textContent).toContain('whsec_first');
    expect(post.mock.calls[0]).toEqual([
      '/api/v1/integrations/webhooks',
      { body: { url: 'https://hooks.example/in' } },
    ]);
    fireEvent.click(await screen.findByRole('button', { name: /Rotate secret/ }));
    await screen.findByText('secret rotated');
    expect(screen.getByTestId('webhook-secret').textContent).toContain('whsec_second');
    expect(screen.getByRole('button', { name: /Send a signed test/ })).toBeTruthy();
  });
});

describe('PublishableKey', () => {
  it('reduces an address to its origin and refuses what is not one', () => {
    expect(surveyOrigin(' https://acme.qualtrics.com/jfe/form/SV_1 ')).toBe(
      'https://acme.qualtrics.com',
    );
    expect(surveyOrigin('acme.qualtrics.com')).toBeNull();
    expect(surveyOrigin('javascript:alert(1)')).toBeNull();
  });

  it("creates a key allowed only on the survey's origin", async () => {
    const created = {
      id: 'k1',
      name: 'collector SV_abc',
      kind: 'publishable',
      prefix: 'bs_pk_ab',
      allowed_origins: ['https://acme.qualtrics.com'],
      created_at: '',
      revoked_at: null,
      key: 'bs_pk_abcdef',
    };
    const post = vi.spyOn(api, 'POST').mockReturnValue(answer(created, 201) as never);
    const onKey = vi.fn();
    wrap(<PublishableKey survey="SV_abc" onKey={onKey} />);
    field("The survey's origin", 'https://acme.qualtrics.com/jfe/form/SV_abc');
    fireEvent.click(screen.getByRole('button', { name: /Create a publishable key/ }));
    expect((await screen.findByTestId('publishable-key')).textContent).toContain('bs_pk_abcdef');
    expect(post).toHaveBeenCalledWith('/api/v1/keys', {
      body: {
        name: 'collector SV_abc',
        kind: 'publishable',
        allowed_origins: ['https://acme.qualtrics.com'],
      },
    });
    expect(onKey.mock.calls[0][0].key).toBe('bs_pk_abcdef');
  });
});

describe('CheckItWorks', () => {
  it('says when the first session arrived', async () => {
    const get = vi.spyOn(api, 'GET').mockReturnValue(
      answer({
        items: [
          {
            session_id: 'abcdef12-0000-0000-0000-000000000000',
            created_at: '2026-01-01T00:00:00Z',
            platform: 'qualtrics',
            event_count: 42,
          },
        ],
        next_cursor: null,
      }) as never,
    );
    wrap(<CheckItWorks survey="SV_abc" />);
    expect((await screen.findByText(/First session arrived/)).textContent).toContain('42 events');
    expect(get).toHaveBeenCalledWith('/api/v1/dashboard/sessions', {
      params: { query: { survey_id: 'SV_abc', limit: 1 } },
    });
  });
});
