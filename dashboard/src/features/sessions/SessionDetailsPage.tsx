import '../../lib/charts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Bot, Download, RefreshCw, User } from 'lucide-react';
import { Bar } from 'react-chartjs-2';
import { Link, useParams } from 'react-router-dom';
import { toast } from 'react-toastify';
import { Button, Card, Empty, RiskBadge, Skeleton } from '../../components/ui';
import { api, call, type SessionEvents } from '../../lib/api';
import { can, useMe } from '../../lib/auth';
import { DECISION_LABELS, DecisionBadge, ruleText } from '../../lib/decision';
import { num, pct, when } from '../../lib/format';
import { FLAG_HELP, FLAG_LABELS } from '../../lib/quality';
import { Environment } from './Environment';
import { MousePathByPage } from './MousePath';
import { column, keyIntervals, pageSpans, points } from './path';
import { Timeline } from './Timeline';

type Columns = Record<string, Record<string, unknown[]>>;

function download(name: string, data: unknown) {
  const url = URL.createObjectURL(
    new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export default function SessionDetailsPage() {
  const { sessionId = '' } = useParams();
  const me = useMe();
  const client = useQueryClient();
  const path = { params: { path: { session_id: sessionId } } };
  const details = useQuery({
    queryKey: ['session', sessionId, 'details'],
    queryFn: () => call(api.GET('/api/v1/dashboard/sessions/{session_id}/details', path)),
  });
  const events = useQuery({
    queryKey: ['session', sessionId, 'events'],
    queryFn: () => call(api.GET('/api/v1/dashboard/sessions/{session_id}/events', path)),
  });
  const refresh = () => {
    client.invalidateQueries({ queryKey: ['session', sessionId] });
    client.invalidateQueries({ queryKey: ['sessions'] });
    client.invalidateQueries({ queryKey: ['overview'] });
  };
  const reanalyse = useMutation({
    mutationFn: () => call(api.POST('/api/v1/dashboard/sessions/{session_id}/reanalyze', path)),
    onSuccess: (r) => {
      toast.success(`Re-analysed: ${DECISION_LABELS[r.decision]} (${r.risk_level})`);
      refresh();
    },
  });
  const label = useMutation({
    mutationFn: (value: 'human' | 'bot' | null) =>
      call(
        api.PUT('/api/v1/dashboard/sessions/{session_id}/label', {
          ...path,
          body: { label: value },
        }),
      ),
    onSuccess: (r) => {
      toast.success(r.label ? `Labelled ${r.label}` : 'Label cleared');
      refresh();
    },
  });

  if (details.isPending) return <Skeleton className="h-96" />;
  if (!details.data) return <Empty>Session not found.</Empty>;
  const d = details.data;
  const latest = d.results.at(-1) ?? d.results[0];
  const cols = (events.data?.events ?? {}) as Columns;
  const move = points(cols, 'mousemove');
  const clicks = points(cols, 'click');
  const hist = keyIntervals(column(cols, 'keydown', 't'));
  const analyst = can(me, 'analyst');
  const sessionLabel = d.session.label ?? null;

  return (
    <div className="space-y-4">
      <Link
        to="/sessions"
        className="inline-flex items-center gap-1 text-sm text-indigo-700 hover:underline"
      >
        <ArrowLeft size={14} /> Sessions
      </Link>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-bold">{sessionId}</h1>
        <RiskBadge risk={d.session.verdict.risk_level} />
        {sessionLabel && (
          <span className="rounded bg-slate-200 px-2 py-0.5 text-xs" data-testid="label">
            labelled {sessionLabel}
          </span>
        )}
        <div className="ml-auto flex flex-wrap gap-2">
          <Button
            variant="ghost"
            disabled={!analyst || reanalyse.isPending}
            onClick={() => reanalyse.mutate()}
            title={analyst ? '' : 'Analysts and admins only'}
          >
            <RefreshCw size={14} /> Re-analyse
          </Button>
          <Button
            variant="ghost"
            disabled={!analyst || label.isPending}
            onClick={() => label.mutate(sessionLabel === 'human' ? null : 'human')}
          >
            <User size={14} /> {sessionLabel === 'human' ? 'Clear human' : 'Mark human'}
          </Button>
          <Button
            variant="ghost"
            disabled={!analyst || label.isPending}
            onClick={() => label.mutate(sessionLabel === 'bot' ? null : 'bot')}
          >
            <Bot size={14} /> {sessionLabel === 'bot' ? 'Clear bot' : 'Mark bot'}
          </Button>
          <Button
            variant="ghost"
            onClick={() =>
              download(`session-${sessionId}.json`, {
                ...d,
                event_columns: events.data as SessionEvents | undefined,
              })
            }
          >
            <Download size={14} /> Export JSON
          </Button>
        </div>
      </header>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-4">
        <Card title="Verdict">
          <div className="text-xl font-semibold" data-testid="verdict">
            <DecisionBadge decision={d.decision} />
          </div>
          <div className="mt-1 text-sm text-slate-600">
            P(bot) {pct(d.session.verdict.bot_probability)}
          </div>
          <div className="mt-1 text-xs text-slate-500" data-testid="decision-rule">
            {ruleText(d.decision_rule)}
          </div>
          {latest?.missing_evidence?.length ? (
            <div className="mt-2 text-xs" data-testid="missing-evidence">
              Not enough evidence: {latest.missing_evidence.join('; ')}
            </div>
          ) : null}
          {latest?.quality_flags?.length ? (
            <div className="mt-2 text-xs" data-testid="session-quality">
              <div className="mb-1 text-slate-500">
                Quality (careless answering, not bot evidence)
              </div>
              <ul className="space-y-0.5">
                {latest.quality_flags.map((f) => (
                  <li key={f} data-flag={f}>
                    <span className="font-medium">{FLAG_LABELS[f] ?? f}</span>
                    {FLAG_HELP[f] ? `: ${FLAG_HELP[f]}` : ''}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        <Card title="Survey">
          <Link
            className="break-all font-mono text-sm text-indigo-700 hover:underline"
            to={`/surveys/${encodeURIComponent(d.session.survey_id ?? '')}`}
          >
            {d.session.survey_id ?? ''}
          </Link>
          <div className="text-xs text-slate-500">{d.session.platform ?? ''}</div>
          <div className="mt-1 text-xs" data-testid="respondent-id">
            Respondent <span className="font-mono">{d.session.respondent_id ?? 'not given'}</span>
          </div>
          <ul className="mt-1 text-xs" data-testid="response-ids">
            {(d.responses ?? []).map((r) => (
              <li key={`${r.integration_name}:${r.response_id}`}>
                Response <span className="break-all font-mono">{r.response_id}</span>{' '}
                <span className="text-slate-500">
                  ({r.platform}, {r.integration_name}
                  {r.status === 'ok' ? '' : `: ${r.status.replaceAll('_', ' ')}`})
                </span>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Events">
          <div className="text-2xl font-semibold">{num(d.events.total)}</div>
          <div className="text-xs text-slate-500">
            {d.events.duration_ms ? `${(d.events.duration_ms / 1000).toFixed(1)} s` : ''}
          </div>
        </Card>
        <Card title="Started">
          <div className="text-sm">{when(d.session.created_at)}</div>
        </Card>
      </div>
      {latest && (
        <Card title={`Detectors (model ${latest.model_version}) — ${latest.analysis_summary}`}>
          <ul
            className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3"
            data-testid="detectors"
          >
            {Object.entries(latest.method_scores).map(([name, m]) => (
              <li key={name} className="rounded border border-slate-100 p-2">
                <div className="flex items-center justify-between text-sm font-semibold">
                  {name} <span>{m.score.toFixed(2)}</span>
                </div>
                <div className="my-1 h-1.5 rounded bg-slate-100">
                  <div
                    className="h-1.5 rounded bg-indigo-500"
                    style={{ width: `${Math.round(m.score * 100)}%` }}
                  />
                </div>
                <ul className="list-disc pl-4 text-xs text-slate-600">
                  {m.reasons.map((r) => (
                    <li key={r.code}>{r.text}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card title="Mouse path">
          {events.isPending ? (
            <Skeleton className="h-72" />
          ) : (
            <MousePathByPage path={move} clicks={clicks} pages={pageSpans(d.events.pages)} />
          )}
        </Card>
        <Card title="Keystroke timing (ms between key presses)">
          {hist.bins.some((b) => b > 0) ? (
            <div className="h-72">
              <Bar
                options={{ maintainAspectRatio: false, plugins: { legend: { display: false } } }}
                data={{
                  labels: hist.labels,
                  datasets: [{ data: hist.bins, backgroundColor: '#6366f1' }],
                }}
              />
            </div>
          ) : (
            <Empty>No typing recorded.</Empty>
          )}
        </Card>
      </div>
      <Card title="Event timeline">
        {events.isPending ? (
          <Skeleton className="h-32" />
        ) : (
          <Timeline events={cols} summary={d.events} />
        )}
      </Card>
      <Card title="Environment">
        <Environment environment={d.environment} />
      </Card>
    </div>
  );
}
