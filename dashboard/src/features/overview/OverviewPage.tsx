import '../../lib/charts';
import { useQuery } from '@tanstack/react-query';
import { Bar, Doughnut, Line } from 'react-chartjs-2';
import { Link, useSearchParams } from 'react-router-dom';
import { Card, Empty, inputClass, RiskBadge, Skeleton } from '../../components/ui';
import { api, call, type Overview } from '../../lib/api';
import { num, pct, shortId, when } from '../../lib/format';
import { useLive } from '../../lib/live';

const RANGES: Record<string, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };
const RISKS = ['low', 'medium', 'high', 'critical'];
const RISK_FILL = ['#34d399', '#fbbf24', '#fb923c', '#ef4444'];

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card>
      <div className="text-xs uppercase text-slate-500">{label}</div>
      <div className="text-2xl font-semibold" data-testid={testId}>
        {value}
      </div>
    </Card>
  );
}

function Groups({
  title,
  rows,
  linkTo,
}: {
  title: string;
  rows: Overview['by_survey'];
  linkTo?: (key: string) => string;
}) {
  return (
    <Card title={title}>
      {rows.length === 0 ? (
        <Empty>No sessions yet.</Empty>
      ) : (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">Name</th>
              <th>Sessions</th>
              <th>Excluded</th>
              <th>Exclusion rate</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => (
              <tr key={g.key} className="border-t border-slate-100">
                <td className="max-w-[10rem] truncate py-1 font-mono">
                  {linkTo ? (
                    <Link className="text-indigo-700 hover:underline" to={linkTo(g.key)}>
                      {g.key}
                    </Link>
                  ) : (
                    g.key
                  )}
                </td>
                <td>{num(g.sessions)}</td>
                <td>{num(g.bots)}</td>
                <td>{pct(g.bot_rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export default function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const range = params.get('range') ?? '7d';
  const live = useLive();
  const since = new Date(Date.now() - (RANGES[range] ?? 7) * 86_400_000);
  since.setMinutes(0, 0, 0);
  const overview = useQuery({
    queryKey: ['overview', range],
    queryFn: () =>
      call(
        api.GET('/api/v1/dashboard/overview', {
          params: { query: { since: since.toISOString() } },
        }),
      ),
    refetchInterval: live.pollInterval,
  });
  const data = overview.data;
  return (
    <div className="space-y-4">
      <header className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">Overview</h1>
        <label className="text-sm">
          Period{' '}
          <select
            className={inputClass}
            value={range}
            onChange={(e) => setParams({ range: e.target.value })}
          >
            {Object.keys(RANGES).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      </header>
      {!data ? (
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          {[1, 2, 3, 4].map((i) => (
            <Skeleton key={i} className="h-20" />
          ))}
          <Skeleton className="col-span-2 h-64 lg:col-span-4" />
        </div>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
            <Stat label="Sessions" value={num(data.totals.sessions)} testId="stat-sessions" />
            <Stat label="Analysed" value={num(data.totals.analyzed)} testId="stat-analyzed" />
            <Stat
              label="Excluded as bots"
              value={pct(data.totals.bot_rate)}
              testId="stat-bot-rate"
            />
            <Stat label="In review" value={num(data.totals.in_review)} testId="stat-review" />
            <Stat
              label="Not enough evidence"
              value={num(data.totals.insufficient_evidence)}
              testId="stat-insufficient"
            />
            <Stat
              label="Events / s"
              value={data.totals.events_per_second.toFixed(2)}
              testId="stat-eps"
            />
          </div>
          <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
            <Card title="Sessions and exclusions over time" className="xl:col-span-2">
              <div
                className="h-64"
                data-testid="time-series"
                data-points={data.time_series.length}
                data-granularity={data.granularity}
              >
                <Line
                  options={{
                    maintainAspectRatio: false,
                    interaction: { mode: 'index', intersect: false },
                    // Every hour (or day) of the period is a point: dots only where few.
                    elements: { point: { radius: data.time_series.length > 48 ? 0 : 3 } },
                    scales: {
                      x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 16 } },
                      y: { beginAtZero: true, ticks: { precision: 0 } },
                    },
                  }}
                  data={{
                    labels: data.time_series.map((p) =>
                      new Date(p.bucket).toLocaleString(
                        'en-GB',
                        data.granularity === 'hour'
                          ? { weekday: 'short', hour: '2-digit', minute: '2-digit' }
                          : { day: 'numeric', month: 'short' },
                      ),
                    ),
                    datasets: [
                      {
                        label: 'Sessions',
                        data: data.time_series.map((p) => p.sessions),
                        borderColor: '#4f46e5',
                        backgroundColor: '#4f46e533',
                        fill: true,
                      },
                      {
                        label: 'Excluded as bots',
                        data: data.time_series.map((p) => p.bots),
                        borderColor: '#ef4444',
                      },
                    ],
                  }}
                />
              </div>
            </Card>
            <Card title="Risk distribution">
              <div className="h-64">
                {Object.values(data.risk_distribution).some((v) => v > 0) ? (
                  <Doughnut
                    options={{ maintainAspectRatio: false }}
                    data={{
                      labels: RISKS,
                      datasets: [
                        {
                          data: RISKS.map((r) => data.risk_distribution[r] ?? 0),
                          backgroundColor: RISK_FILL,
                        },
                      ],
                    }}
                  />
                ) : (
                  <Empty>No analysed sessions in this period.</Empty>
                )}
              </div>
            </Card>
          </div>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
            <Groups
              title="By survey"
              rows={data.by_survey}
              linkTo={(key) => `/surveys/${encodeURIComponent(key)}`}
            />
            <Groups title="By platform" rows={data.by_platform} />
            <Card title="Exclusion rate by platform">
              <div className="h-48">
                <Bar
                  options={{
                    maintainAspectRatio: false,
                    plugins: { legend: { display: false } },
                    scales: { y: { beginAtZero: true, max: 1 } },
                  }}
                  data={{
                    labels: data.by_platform.map((g) => g.key),
                    datasets: [
                      { data: data.by_platform.map((g) => g.bot_rate), backgroundColor: '#6366f1' },
                    ],
                  }}
                />
              </div>
            </Card>
          </div>
          <Card title="Latest high-risk sessions">
            {data.latest_high_risk.length === 0 ? (
              <Empty>No high-risk sessions. </Empty>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm" data-testid="high-risk">
                {data.latest_high_risk.map((s) => (
                  <li key={s.session_id} className="flex items-center gap-3 py-1.5">
                    <RiskBadge risk={s.risk_level} />
                    <Link
                      className="whitespace-nowrap font-mono text-indigo-700 hover:underline"
                      to={`/sessions/${s.session_id}`}
                    >
                      {shortId(s.session_id)}
                    </Link>
                    <span className="truncate text-slate-500">{s.survey_id}</span>
                    <span className="ml-auto whitespace-nowrap text-right text-xs text-slate-500">
                      {when(s.created_at)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
