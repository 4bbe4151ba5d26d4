// The API client: types generated from the service's OpenAPI schema (scripts/generate-client.sh),
// calls through openapi-fetch. Cookie logins send the CSRF token back on every change.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../client/schema';

export type Schemas = components['schemas'];
export type Overview = Schemas['Overview'];
export type SessionRow = Schemas['SessionRow'];
export type SessionPage = Schemas['SessionPage'];
export type SessionDetails = Schemas['SessionDetails'];
export type SessionEvents = Schemas['SessionEvents'];
export type AnalysisOut = Schemas['AnalysisOut'];
export type ApiKeyOut = Schemas['ApiKeyOut'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type UserOut = Schemas['UserOut'];
export type Me = Schemas['Me'];
export type DashboardSettings = Schemas['DashboardSettingsDoc'];
export type Role = UserOut['role'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function csrfToken(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)botsieve_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set('X-CSRF-Token', token);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

/** Unwraps an openapi-fetch answer: the data, or an ApiError with the service's message. */
export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    const body = error as { error?: { message?: string } } | undefined;
    throw new ApiError(response.status, body?.error?.message ?? response.statusText);
  }
  return data as T;
}
