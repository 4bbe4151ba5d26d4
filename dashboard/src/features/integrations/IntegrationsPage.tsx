import { useMutation, useQuery } from '@tanstack/react-query';
import { Send } from 'lucide-react';
import { useState } from 'react';
import { Button, Card, Empty, Skeleton } from '../../components/ui';
import { ApiError, api, call } from '../../lib/api';
import { when } from '../../lib/format';
import { useLive } from '../../lib/live';

const origin = window.location.origin;

function Unavailable({ error }: { error: unknown }) {
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <Empty>
      {status === 401 || status === 403
        ? 'Integrations are managed with a secret API key for now (see the API playground).'
        : 'Integrations could not be loaded.'}
    </Empty>
  );
}

function Setup({ survey }: { survey: string }) {
  return (
    <ol className="list-decimal space-y-2 pl-5 text-sm">
      <li>Create a publishable key for the survey's origin in Settings → API keys.</li>
      <li>
        In the survey's header, load the collector:
        <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-100">{`<script src="${origin}/sdk/botsieve.min.js"></script>
<script>Botsieve.start({ endpoint: '${origin}', key: 'bs_pk_…', surveyId: '${survey}' });</script>`}</pre>
      </li>
      <li>
        At the end of the survey, score the response from the platform's web service step (see
        docs/integrations).
      </li>
    </ol>
  );
}

/** Per platform: its state, the last event received, webhooks and a signed test delivery. */
export default function IntegrationsPage() {
  const live = useLive();
  const status = useQuery({
    queryKey: ['integrations', 'status'],
    queryFn: () => call(api.GET('/api/v1/integrations/status')),
    refetchInterval: live.pollInterval || 30_000,
    meta: { quiet: true },
    retry: false,
  });
  const webhooks = useQuery({
    queryKey: ['integrations', 'webhooks'],
    queryFn: () => call(api.GET('/api/v1/integrations/webhooks')),
    enabled: status.isSuccess,
    meta: { quiet: true },
  });
  const [tested, setTested] = useState<Record<string, string>>({});
  const test = useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/v1/integrations/webhooks/{endpoint_id}/test', {
          params: { path: { endpoint_id: id } },
        }),
      ),
    onSuccess: (result, id) =>
      setTested({
        ...tested,
        [id]: result.delivered
          ? `delivered (HTTP ${result.status_code})`
          : `failed: ${result.error ?? result.status_code}`,
      }),
  });

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Integrations</h1>
      <Card title="Survey platforms">
        {status.isPending ? (
          <Skeleton className="h-24" />
        ) : status.isError ? (
          <Unavailable error={status.error} />
        ) : status.data.integrations.length === 0 ? (
          <Empty>No integrations yet.</Empty>
        ) : (
          <ul className="space-y-4" data-testid="integrations">
            {status.data.integrations.map((i) => (
              <li key={i.id} className="rounded border border-slate-100 p-3">
                <div className="flex flex-wrap items-center gap-3 text-sm">
                  <span className="font-semibold">{i.name}</span>
                  <span className="rounded bg-slate-100 px-2 text-xs">{i.platform}</span>
                  <span className="font-mono text-xs">{i.survey_id}</span>
                  <span className={i.configured ? 'text-emerald-700' : 'text-amber-700'}>
                    {i.configured ? 'configured' : `missing: ${i.missing.join(', ')}`}
                  </span>
                  <span className="ml-auto text-xs text-slate-500">
                    last event {when(i.last_event_at)}
                  </span>
                </div>
                {i.last_error && (
                  <p className="mt-1 text-xs text-red-700">
                    Last error {when(i.last_error_at)}: {i.last_error}
                  </p>
                )}
                <details className="mt-2">
                  <summary className="cursor-pointer text-xs text-indigo-700">Setup guide</summary>
                  <Setup survey={i.survey_id} />
                </details>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {status.isSuccess && (
        <Card title={`Webhooks (queue: ${status.data.webhook_queue_depth})`}>
          {!webhooks.data?.length ? (
            <Empty>No webhooks.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {webhooks.data.map((w) => (
                <li key={w.id} className="flex flex-wrap items-center gap-3 py-2">
                  <span className="font-mono text-xs">{w.url}</span>
                  <span className="text-xs text-slate-500">{w.events.join(', ')}</span>
                  <span className="ml-auto text-xs">{tested[w.id] ?? ''}</span>
                  <Button
                    variant="ghost"
                    disabled={test.isPending}
                    onClick={() => test.mutate(w.id)}
                  >
                    <Send size={14} /> Send a signed test
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
    </div>
  );
}
