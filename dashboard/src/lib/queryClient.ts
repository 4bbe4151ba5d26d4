// One query client for every request: a 401 sends the user to sign in, a 403 says why.
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { toast } from 'react-toastify';
import { ApiError } from './api';

export const onUnauthorized = { current: () => {} };

function handle(error: unknown) {
  if (error instanceof ApiError && error.status === 401) onUnauthorized.current();
  else if (error instanceof ApiError && error.status === 403)
    toast.error(`Not allowed: ${error.message}`, { toastId: 'forbidden' });
  else if (error instanceof Error) toast.error(error.message, { toastId: error.message });
}

export function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!query.meta?.quiet) handle(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (!mutation.meta?.quiet) handle(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}
