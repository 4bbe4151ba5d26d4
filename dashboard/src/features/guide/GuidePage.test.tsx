import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api';
import GuidePage from './GuidePage';

afterEach(() => vi.restoreAllMocks());

describe('GuidePage', () => {
  it("fills the snippet with a publishable key made for the survey's origin", async () => {
    const created = {
      id: 'k1',
      name: 'collector SV_yourSurvey',
      kind: 'publishable',
      prefix: 'bs_pk_zz',
      allowed_origins: ['https://acme.qualtrics.com'],
      created_at: '',
      revoked_at: null,
      key: 'bs_pk_zz_made_now',
    };
    const post = vi
      .spyOn(api, 'POST')
      .mockReturnValue(
        Promise.resolve({ data: created, response: new Response(null, { status: 201 }) }) as never,
      );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <GuidePage />
      </QueryClientProvider>,
    );
    const snippet = screen.getByTestId('quick-start-snippet');
    expect(snippet.textContent).not.toContain('bs_pk_zz_made_now');
    fireEvent.change(screen.getByLabelText("The survey's origin"), {
      target: { value: 'https://acme.qualtrics.com' },
    });
    fireEvent.click(screen.getByRole('button', { name: /Create a publishable key/ }));
    await waitFor(() => expect(snippet.textContent).toContain('bs_pk_zz_made_now'));
    expect(post.mock.calls[0][1]).toEqual({
      body: {
        name: 'collector SV_yourSurvey',
        kind: 'publishable',
        allowed_origins: ['https://acme.qualtrics.com'],
      },
    });
  });
});
