import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { toast } from 'react-toastify';
import { Button, Card, Empty, inputClass, Skeleton } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { can, useMe } from '../../lib/auth';
import { DecisionBadge } from '../../lib/decision';
import { pct, shortId, when } from '../../lib/format';
import { useLive } from '../../lib/live';

type State = Schemas['ReviewIn']['state'];
type Filter = 'pending' | 'confirmed_bot' | 'dismissed' | 'all';
const TABS: [Filter, string][] = [
  ['pending', 'To review'],
  ['confirmed_bot', 'Confirmed bots'],
  ['dismissed', 'Dismissed (people)'],
  ['all', 'All'],
];
const STATE_LABELS: Record<State, string> = {
  pending: 'pending',
  confirmed_bot: 'confirmed bot',
  dismissed: 'dismissed',
};
const KEYS: Record<string, State> = { b: 'confirmed_bot', d: 'dismissed', u: 'pending' };

export default function ReviewPage() {
  const [params, setParams] = useSearchParams();
  const filter = (params.get('state') as Filter | null) ?? 'pending';
  const survey = params.get('survey_id') ?? '';
  const me = useMe();
  const analyst = can(me, 'analyst');
  const live = useLive();
  const client = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState(0);
  const queue = useQuery({
    queryKey: ['review', filter, survey],
    queryFn: () =>
      call(
        api.GET('/api/v1/dashboard/review', {
          params: {
            query: { state: filter, limit: 500, ...(survey ? { survey_id: survey } : {}) },
          },
        }),
      ),
    refetchInterval: live.pollInterval,
  });
  const items = queue.data?.items ?? [];
  const decide = useMutation({
    mutationFn: ({ ids, state }: { ids: string[]; state: State }) =>
      call(api.POST('/api/v1/dashboard/review/decisions', { body: { session_ids: ids, state } })),
    onSuccess: (done) => {
      toast.success(
        `${done.updated} session${done.updated === 1 ? '' : 's'} marked ${STATE_LABELS[done.state]}`,
      );
      setSelected(new Set());
      for (const key of ['review', 'sessions', 'session', 'overview'])
        client.invalidateQueries({ queryKey: [key] });
    },
  });
  const targets = useCallback(() => {
    if (selected.size) return [...selected];
    const focused = items[cursor];
    return focused ? [focused.session_id] : [];
  }, [selected, items, cursor]);
  const apply = useCallback(
    (state: State) => {
      const ids = targets();
      if (ids.length && analyst) decide.mutate({ ids, state });
    },
    [targets, analyst, decide],
  );
  const toggle = useCallback((id: string) => {
    setSelected((now) => {
      const next = new Set(now);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'ArrowDown') {
        setCursor((c) => Math.min(items.length - 1, c + 1));
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        setCursor((c) => Math.max(0, c - 1));
      } else if (e.key === 'x' && items[cursor]) {
        toggle(items[cursor].session_id);
      } else if (e.key === 'a') {
        setSelected(new Set(items.map((i) => i.session_id)));
      } else if (KEYS[e.key]) {
        apply(KEYS[e.key]);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, cursor, toggle, apply]);
  useEffect(() => setCursor((c) => Math.min(c, Math.max(0, items.length - 1))), [items.length]);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setSelected(new Set());
    setCursor(0);
  };
  const counts = queue.data?.counts;
  const exportUrl = `/api/v1/dashboard/review/history.csv${survey ? `?survey_id=${encodeURIComponent(survey)}` : ''}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Review</h1>
      <p className="text-sm text-slate-600">
        Sessions the decision rule excludes or sends to review. A review overrides the rule for that
        session everywhere (API, list, overview, integrations); undo returns it to the rule.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <nav className="flex flex-wrap gap-1" aria-label="Review state">
          {TABS.map(([key, label]) => (
            <button
              key={key}
              type="button"
              onClick={() => set('state', key === 'pending' ? '' : key)}
              aria-pressed={filter === key}
              className={`rounded px-3 py-1.5 text-sm ${filter === key ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 ring-1 ring-slate-200'}`}
            >
              {label}
              {counts && key !== 'all' ? ` (${counts[key as State] ?? 0})` : ''}
            </button>
          ))}
        </nav>
        <label className="text-xs text-slate-600">
          Survey
          <input
            key={survey}
            name="survey_id"
            className={`${inputClass} ml-1 w-36`}
            defaultValue={survey}
            onBlur={(e) => set('survey_id', e.target.value.trim())}
            onKeyDown={(e) =>
              e.key === 'Enter' && set('survey_id', (e.target as HTMLInputElement).value.trim())
            }
          />
        </label>
        <a
          className="inline-flex items-center gap-1 text-sm text-indigo-700 underline"
          href={exportUrl}
          download
        >
          <Download size={14} /> Review history (CSV)
        </a>
      </div>
      {analyst && (
        <div className="flex flex-wrap items-center gap-2" data-testid="bulk-actions">
          <span className="text-sm text-slate-600">
            {selected.size ? `${selected.size} selected` : 'The highlighted row'}:
          </span>
          <Button onClick={() => apply('confirmed_bot')} disabled={decide.isPending}>
            Confirm bot (b)
          </Button>
          <Button variant="ghost" onClick={() => apply('dismissed')} disabled={decide.isPending}>
            Dismiss as person (d)
          </Button>
          <Button variant="ghost" onClick={() => apply('pending')} disabled={decide.isPending}>
            Undo review (u)
          </Button>
          <span className="text-xs text-slate-500">
            Keys: j/k or ↓/↑ move, x select, a select all, b confirm, d dismiss, u undo
          </span>
        </div>
      )}
      <Card className="overflow-x-auto p-0">
        {queue.isPending ? (
          <Skeleton className="m-3 h-24" />
        ) : items.length === 0 ? (
          <Empty>Nothing here: no session in this state.</Empty>
        ) : (
          <table className="w-full min-w-[44rem] text-sm" data-testid="review-table">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={selected.size === items.length}
                    onChange={(e) =>
                      setSelected(
                        e.target.checked ? new Set(items.map((i) => i.session_id)) : new Set(),
                      )
                    }
                  />
                </th>
                <th>Session</th>
                <th>Survey / respondent</th>
                <th>P(bot)</th>
                <th>Decision</th>
                <th>Review</th>
                <th>By, when</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item, i) => (
                <tr
                  key={item.session_id}
                  data-testid="review-row"
                  data-session-id={item.session_id}
                  data-review-state={item.review_state}
                  aria-selected={i === cursor}
                  onClick={() => setCursor(i)}
                  className={`border-t border-slate-100 ${i === cursor ? 'bg-indigo-50' : ''}`}
                >
                  <td className="px-3 py-1.5">
                    <input
                      type="checkbox"
                      aria-label={`Select ${shortId(item.session_id)}`}
                      checked={selected.has(item.session_id)}
                      onChange={() => toggle(item.session_id)}
                    />
                  </td>
                  <td className="font-mono">
                    <Link className="text-indigo-700" to={`/sessions/${item.session_id}`}>
                      {shortId(item.session_id)}
                    </Link>
                  </td>
                  <td>
                    {item.survey_id}{' '}
                    <span className="text-slate-500">{item.respondent_id ?? ''}</span>
                  </td>
                  <td>{pct(item.bot_probability)}</td>
                  <td>
                    <DecisionBadge decision={item.decision} />
                  </td>
                  <td>{STATE_LABELS[item.review_state]}</td>
                  <td className="text-xs text-slate-500">
                    {item.reviewed_by
                      ? `${item.reviewed_by}, ${when(item.reviewed_at ?? '')}`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
