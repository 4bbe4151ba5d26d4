import type { SessionDetails } from '../../lib/api';

const W = 800;
const ROW = 18;
const MAX_DOTS = 400;

/** One row of ticks per event type along the session's time, with page marks as lines. */
export function Timeline({
  events,
  summary,
}: {
  events: Record<string, Record<string, unknown[]>>;
  summary: SessionDetails['events'];
}) {
  const types = Object.keys(events).filter((t) => t !== 'page');
  const first = summary.first_t ?? 0;
  const span = Math.max(1, (summary.last_t ?? 1) - first);
  const x = (t: number) => 100 + ((t - first) / span) * (W - 110);
  const height = types.length * ROW + 30;
  if (types.length === 0) return <p className="text-sm text-slate-500">No events.</p>;
  return (
    <svg
      viewBox={`0 0 ${W} ${height}`}
      className="w-full"
      role="img"
      aria-label="Event timeline"
      data-testid="timeline"
    >
      {summary.pages.map((p) => (
        <g key={`${p.t}-${p.phase}-${p.mark}`}>
          <line
            x1={x(Number(p.t))}
            x2={x(Number(p.t))}
            y1={0}
            y2={height - 14}
            stroke={p.phase === 'shown' ? '#6366f1' : '#10b981'}
            strokeDasharray="3 2"
          />
          <text x={x(Number(p.t)) + 2} y={height - 2} fontSize="9" fill="#475569">
            {String(p.mark ?? '')} {String(p.phase ?? '')}
          </text>
        </g>
      ))}
      {types.map((type, row) => {
        const t = (events[type].t ?? []) as number[];
        const step = Math.max(1, Math.ceil(t.length / MAX_DOTS));
        return (
          <g key={type}>
            <text x={0} y={row * ROW + 13} fontSize="10" fill="#334155">
              {type} ({t.length})
            </text>
            <path
              d={t
                .filter((_, i) => i % step === 0)
                .map((tt) => `M${x(tt).toFixed(1)} ${row * ROW + 4}v10`)
                .join('')}
              stroke="#4f46e5"
              strokeWidth={1.5}
            />
          </g>
        );
      })}
    </svg>
  );
}
