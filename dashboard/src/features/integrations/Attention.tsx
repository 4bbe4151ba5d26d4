import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Download, RotateCw } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { when } from '../../lib/format';
import { fetchAllPages, saveAs } from './download';

type Status = Schemas['IntegrationStatus'];

/** Calls out that wait for a fix (a refused token, an undeclared variable), with a retry. */
export function WaitingJobs({ integration }: { integration: Status }) {
  const client = useQueryClient();
  const [outcome, setOutcome] = useState('');
  const retry = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/integrations/{integration_id}/retry', {
          params: { path: { integration_id: integration.id } },
        }),
      ),
    onSuccess: (result) => {
      setOutcome(`requeued ${result.requeued}`);
      client.invalidateQueries({ queryKey: ['integrations', 'status'] });
    },
    onError: (error) => setOutcome(`retry failed: ${error.message}`),
  });
  const jobs = integration.waiting_jobs ?? [];
  if (!jobs.length && !outcome) return null;
  return (
    <div className="mt-2 rounded bg-amber-50 p-2 text-xs" data-testid="waiting-jobs">
      <div className="flex items-center gap-2">
        <span className="font-semibold text-amber-800">
          Needs attention: {integration.needs_attention ?? jobs.length}
        </span>
        <span className="text-slate-600">{outcome}</span>
        <Button
          variant="ghost"
          className="ml-auto"
          disabled={retry.isPending || !jobs.length}
          onClick={() => retry.mutate()}
        >
          <RotateCw size={14} /> Retry now
        </Button>
      </div>
      {jobs.length > 0 && (
        <ul className="mt-1 space-y-1">
          {jobs.map((job) => (
            <li key={job.id} className="font-mono">
              {job.kind} {job.response_id ?? ''}: {job.status}
              {job.last_status_code ? ` (HTTP ${job.last_status_code})` : ''} after {job.attempts}{' '}
              attempt{job.attempts === 1 ? '' : 's'}, queued {when(job.created_at)}
              {job.last_error && <div className="text-red-700">{job.last_error}</div>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Posts refused in the last day (unsigned, an old key, another survey): when and why. */
export function Refusals({ integration }: { integration: Status }) {
  const recent = integration.recent_refusals ?? [];
  if (!integration.refused_last_24h && !recent.length) return null;
  return (
    <div className="mt-2 rounded bg-red-50 p-2 text-xs" data-testid="refusals">
      <span className="font-semibold text-red-800">
        Refused posts in the last 24 h: {integration.refused_last_24h ?? 0}
      </span>
      <ul className="mt-1 space-y-1">
        {recent.map((r) => (
          <li key={`${r.at}-${r.reason}`}>
            {when(r.at)}: HTTP {r.status_code}, {r.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The reconciliation export of the integration's survey, every page in one file. */
export function ExportButtons({ survey }: { survey: string }) {
  const [error, setError] = useState('');
  const download = useMutation({
    mutationFn: async (format: 'csv' | 'jsonl') => {
      const text = await fetchAllPages(survey, format);
      const type = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
      saveAs(text, `responses-${survey.replaceAll('/', '_')}.${format}`, type);
    },
    onMutate: () => setError(''),
    onError: (e) => setError(e.message),
  });
  return (
    <span className="flex items-center gap-2">
      <Button variant="ghost" disabled={download.isPending} onClick={() => download.mutate('csv')}>
        <Download size={14} /> Reconciliation CSV
      </Button>
      <Button
        variant="ghost"
        disabled={download.isPending}
        onClick={() => download.mutate('jsonl')}
      >
        <Download size={14} /> JSON Lines
      </Button>
      {error && <span className="text-xs text-red-700">{error}</span>}
    </span>
  );
}
