import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, Empty, Skeleton } from '../../components/ui';
import { ApiError, api, call } from '../../lib/api';
import { when } from '../../lib/format';
import { useLive } from '../../lib/live';
import { ExportButtons, Refusals, WaitingJobs } from './Attention';
import { CreateIntegration } from './CreateIntegration';
import { EditIntegration } from './EditIntegration';
import { PublishableKey } from './PublishableKey';
import { Webhooks } from './Webhooks';

const origin = window.location.origin;

function Unavailable({ error }: { error: unknown }) {
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <Empty>
      {status === 401 || status === 403
        ? 'Your role cannot see the integrations; ask an admin.'
        : 'Integrations could not be loaded.'}
    </Empty>
  );
}

function Code({ children }: { children: string }) {
  return (
    <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
      {children}
    </pre>
  );
}

/** The collector call for a platform, filled with this service's address and the survey. */
export function collectorSnippet(platform: string, survey: string, key = 'bs_pk_…'): string {
  const respondent: Record<string, string> = {
    qualtrics: "'${e://Field/ResponseID}'",
    decipher: "'${uuid}'",
  };
  return `<script src="${origin}/sdk/botsieve.min.js"></script>
<script>
  var handle = window.botsieve.start({
    endpoint: '${origin}', key: '${key}', platform: '${platform}',
    surveyId: '${survey}', respondentId: ${respondent[platform] ?? "'…'"}
  });
</script>`;
}

function Setup({ platform, survey }: { platform: string; survey: string }) {
  const score = `${origin}/api/v1/integrations/${platform}/score`;
  const [key, setKey] = useState<string>();
  return (
    <ol className="list-decimal space-y-2 pl-5 text-sm" data-testid="setup-guide">
      <li>
        A publishable key whose only allowed origin is the survey's address (the collector's key
        works nowhere else):
        <PublishableKey survey={survey} onKey={(created) => setKey(created.key)} />
      </li>
      <li>
        {platform === 'decipher'
          ? 'In the survey XML, add a respview.client.js style block with:'
          : platform === 'qualtrics'
            ? "Look & Feel → General → Header (source view), after the consent question's branch:"
            : "On the survey page's header:"}
        <Code>{collectorSnippet(platform, survey, key)}</Code>
      </li>
      {platform === 'qualtrics' && (
        <li>
          Survey Flow, just before the end: a Web Service element, POST{' '}
          <code className="break-all">{score}</code>, header{' '}
          <code>Authorization: Bearer bs_it_…</code> (the integration token shown when the
          integration was made), body survey id, <code>${'{e://Field/ResponseID}'}</code> and{' '}
          <code>${'{e://Field/botsieve_session}'}</code>; map status, score, verdict, risk and flags
          to Embedded Data.
        </li>
      )}
      {platform === 'decipher' && (
        <li>
          Before the end: a <code>{'<logic uses="api.1">'}</code> node that POSTs to{' '}
          <code className="break-all">{score}</code> with the survey token in the body; parse the
          reply into hidden variables in an <code>{'<exec>'}</code> block.
        </li>
      )}
      <li>
        Step by step, with every field explained: docs/integrations/{platform}.md in the repository.
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

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Integrations</h1>
      {status.isSuccess && (
        <Card title="Add an integration">
          <CreateIntegration />
        </Card>
      )}
      <Card title="Survey platforms">
        {status.isPending ? (
          <Skeleton className="h-24" />
        ) : status.isError ? (
          <Unavailable error={status.error} />
        ) : status.data.integrations.length === 0 ? (
          <Empty>No integrations yet: add one above, then follow its setup guide.</Empty>
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
                <EditIntegration integration={i} />
                <WaitingJobs integration={i} />
                <Refusals integration={i} />
                <div className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-600">
                  <ExportButtons survey={i.survey_id} />
                  {i.redirect_path && (
                    <span>
                      Panel exits:{' '}
                      <code className="break-all">{`${origin}${i.redirect_path}/`}</code>
                      complete | screenout | quality | auto
                    </span>
                  )}
                </div>
                <details className="mt-2">
                  <summary className="cursor-pointer text-xs text-indigo-700">Setup guide</summary>
                  <Setup platform={i.platform} survey={i.survey_id} />
                </details>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {status.isSuccess && <Webhooks queueDepth={status.data.webhook_queue_depth} />}
    </div>
  );
}
