import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../lib/api';
import { when } from '../../lib/format';

const POLL_MS = 3_000;

/** Watches for the survey's first live session, polling until one arrives and then stopping. */
export function CheckItWorks({ survey }: { survey: string }) {
  const first = useQuery({
    queryKey: ['integrations', 'first-session', survey],
    queryFn: async () => {
      const page = await call(
        api.GET('/api/v1/dashboard/sessions', {
          params: { query: { survey_id: survey, limit: 1 } },
        }),
      );
      return page.items[0] ?? null;
    },
    refetchInterval: (query) => (query.state.data ? false : POLL_MS),
    meta: { quiet: true },
  });
  const session = first.data;
  return (
    <div className="mt-2 rounded border border-slate-200 p-2 text-sm" data-testid="check-it-works">
      <p className="font-semibold">Check it works</p>
      {session ? (
        <p className="text-emerald-700">
          First session arrived {when(session.created_at)}:{' '}
          <a className="font-mono underline" href={`/sessions/${session.session_id}`}>
            {session.session_id.slice(0, 8)}
          </a>{' '}
          ({session.platform}, {session.event_count} events). The collector is working.
        </p>
      ) : first.isError ? (
        <p className="text-red-700">Could not ask for sessions: {first.error.message}</p>
      ) : (
        <p className="text-slate-600">
          Waiting for the first session of <code>{survey}</code>: open the survey's preview with the
          snippet in place; this panel updates by itself.
        </p>
      )}
    </div>
  );
}
