import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { FixedSizeList, type ListChildComponentProps } from 'react-window';
import { Card, Empty, inputClass, RiskBadge, Skeleton } from '../../components/ui';
import { api, call, type SessionRow } from '../../lib/api';
import { DecisionBadge } from '../../lib/decision';
import { num, pct, shortId, when } from '../../lib/format';
import { useLive } from '../../lib/live';
import { useMediaQuery } from '../../lib/media';
import { QualityFlags } from '../../lib/quality';
import { type FilterKey, readFilters, toQuery } from './filters';

const PAGE = 200;
const ROW_HEIGHT = 40;
const COLUMNS =
  'grid grid-cols-[6rem_10.5rem_minmax(7rem,1fr)_5rem_3.5rem_8.5rem_5rem_4rem_minmax(6rem,9rem)_4rem] items-center gap-2 px-3';

const STACKED_ROW_HEIGHT = 64;

interface RowData {
  rows: SessionRow[];
  stacked: boolean;
}

function Row({ index, style, data }: ListChildComponentProps<RowData>) {
  const s = data.rows[index];
  const flagged = s.decision === 'exclude';
  const probability = (
    <span className={flagged ? 'font-semibold text-red-700' : ''}>{pct(s.bot_probability)}</span>
  );
  const label = (
    <span data-testid="label">{s.label ?? <span className="text-xs text-slate-400">—</span>}</span>
  );
  const common = {
    to: `/sessions/${s.session_id}`,
    style,
    'data-testid': 'session-row',
    'data-session-id': s.session_id,
  };
  if (data.stacked) {
    // Two lines on a narrow screen: what was decided, then where it came from.
    return (
      <Link
        {...common}
        className="flex flex-col justify-center gap-1 overflow-hidden border-b border-slate-100 px-3 text-sm hover:bg-indigo-50 focus:bg-indigo-50"
      >
        <span className="flex items-center gap-2 whitespace-nowrap">
          <span className="font-mono text-indigo-700" data-testid="short-id">
            {shortId(s.session_id)}
          </span>
          <DecisionBadge decision={s.decision} />
          {probability}
          <RiskBadge risk={s.risk_level} />
          <span className="ml-auto text-xs text-slate-500">{when(s.created_at)}</span>
        </span>
        <span className="flex items-center gap-2 overflow-hidden whitespace-nowrap text-xs text-slate-600">
          <span className="truncate">
            {s.survey_id} {s.respondent_id ?? ''} · {s.platform} ·{' '}
            <span data-testid="event-count">{num(s.event_count)}</span> events
          </span>
          <QualityFlags flags={s.quality_flags} />
          {s.label ? label : null}
        </span>
      </Link>
    );
  }
  return (
    <Link
      {...common}
      className={`${COLUMNS} border-b border-slate-100 text-sm hover:bg-indigo-50 focus:bg-indigo-50`}
    >
      <span className="font-mono text-indigo-700" data-testid="short-id">
        {shortId(s.session_id)}
      </span>
      <span className="whitespace-nowrap text-slate-500">{when(s.created_at)}</span>
      <span className="truncate">
        {s.survey_id} <span className="text-slate-400">{s.respondent_id ?? ''}</span>
      </span>
      <span>{s.platform}</span>
      <span data-testid="event-count">{num(s.event_count)}</span>
      <span>
        <DecisionBadge decision={s.decision} />
      </span>
      <span>
        <RiskBadge risk={s.risk_level} />
      </span>
      {probability}
      <span className="overflow-hidden">
        <QualityFlags flags={s.quality_flags} />
      </span>
      {label}
    </Link>
  );
}

function Select({
  name,
  label,
  options,
  value,
  onChange,
}: {
  name: FilterKey;
  label: string;
  options: string[];
  value?: string;
  onChange: (k: FilterKey, v: string) => void;
}) {
  return (
    <label className="text-xs text-slate-600">
      {label}
      <select
        className={`${inputClass} ml-1`}
        value={value ?? ''}
        onChange={(e) => onChange(name, e.target.value)}
        name={name}
      >
        <option value="">any</option>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

export default function SessionsPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const live = useLive();
  const query = toQuery(filters);
  const sessions = useInfiniteQuery({
    queryKey: ['sessions', filters],
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/v1/dashboard/sessions', {
          params: { query: { ...query, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: live.pollInterval,
  });
  const rows = useMemo(() => sessions.data?.pages.flatMap((p) => p.items) ?? [], [sessions.data]);
  const stacked = useMediaQuery('(max-width: 1279px)');
  const rowHeight = stacked ? STACKED_ROW_HEIGHT : ROW_HEIGHT;
  const set = (key: FilterKey, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Sessions</h1>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Filters"
      >
        <label className="w-full text-xs text-slate-600 sm:w-auto">
          Search
          <input
            key={filters.q ?? ''}
            className={`${inputClass} ml-1 w-full sm:w-56`}
            placeholder="session id as shown (…1a2b3c4d), respondent, response or survey id"
            defaultValue={filters.q ?? ''}
            onKeyDown={(e) =>
              e.key === 'Enter' && set('q', (e.target as HTMLInputElement).value.trim())
            }
            onBlur={(e) => set('q', e.target.value.trim())}
            name="q"
          />
        </label>
        <label className="text-xs text-slate-600">
          Survey
          <input
            key={filters.survey_id ?? ''}
            className={`${inputClass} ml-1 w-32`}
            defaultValue={filters.survey_id ?? ''}
            onBlur={(e) => set('survey_id', e.target.value.trim())}
            name="survey_id"
          />
        </label>
        <Select
          name="range"
          label="Time"
          options={['24h', '7d', '30d', 'all']}
          value={filters.range}
          onChange={set}
        />
        <Select
          name="platform"
          label="Platform"
          options={['qualtrics', 'decipher', 'web', 'other']}
          value={filters.platform}
          onChange={set}
        />
        <Select
          name="verdict"
          label="Verdict"
          options={['bot', 'review', 'human', 'insufficient_evidence', 'unanalyzed']}
          value={filters.verdict}
          onChange={set}
        />
        <Select
          name="risk"
          label="Risk"
          options={['low', 'medium', 'high', 'critical']}
          value={filters.risk}
          onChange={set}
        />
        <Select
          name="flag"
          label="Quality"
          options={['any', 'none', 'speeding', 'no_interaction', 'long_absence', 'pasted_text']}
          value={filters.flag}
          onChange={set}
        />
        <Select
          name="label"
          label="Label"
          options={['human', 'bot', 'unlabelled']}
          value={filters.label}
          onChange={set}
        />
        <a
          className="text-sm text-indigo-700 underline"
          href={`/api/v1/dashboard/sessions/export.csv?${new URLSearchParams(query)}`}
          download
        >
          Export CSV
        </a>
      </form>
      <Card className="p-0">
        <div
          className={`${COLUMNS} border-b border-slate-200 py-2 text-xs font-semibold text-slate-500 ${stacked ? 'hidden' : ''}`}
        >
          <span>Session</span>
          <span>Started</span>
          <span>Survey / respondent</span>
          <span>Platform</span>
          <span>Events</span>
          <span>Verdict</span>
          <span>Risk</span>
          <span>P(bot)</span>
          <span>Quality</span>
          <span>Label</span>
        </div>
        {sessions.isPending ? (
          <div className="space-y-2 p-3">
            {['a', 'b', 'c', 'd', 'e', 'f'].map((k) => (
              <Skeleton key={k} className="h-7" />
            ))}
          </div>
        ) : rows.length === 0 ? (
          <Empty>No sessions match these filters.</Empty>
        ) : (
          <FixedSizeList
            height={Math.min(rows.length * rowHeight, Math.max(320, window.innerHeight - 260))}
            width="100%"
            itemCount={rows.length}
            itemSize={rowHeight}
            itemData={{ rows, stacked }}
            itemKey={(index, data) => data.rows[index].session_id}
            overscanCount={10}
            onItemsRendered={({ visibleStopIndex }) => {
              if (
                visibleStopIndex > rows.length - 40 &&
                sessions.hasNextPage &&
                !sessions.isFetchingNextPage
              ) {
                sessions.fetchNextPage();
              }
            }}
          >
            {Row}
          </FixedSizeList>
        )}
        <div className="px-3 py-2 text-xs text-slate-500" data-testid="row-count">
          {num(rows.length)} sessions loaded{sessions.hasNextPage ? ', scroll for more' : ''}
        </div>
      </Card>
    </div>
  );
}
