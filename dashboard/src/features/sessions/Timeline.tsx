import { useMemo } from 'react';
import type { SessionDetails } from '../../lib/api';
import { useWidth } from '../../lib/media';
import {
  LANE_HEIGHT,
  MARK_FONT,
  placeMarks,
  shorten,
  TYPE_FONT,
  textMeasure,
} from './timelineLayout';

const ROW = 18;
const MAX_DOTS = 400;
const MIN_WIDTH = 280;

/** One row of ticks per event type along the session's time, with page marks as lines; drawn
 * at the width it is shown at, so its text stays legible and no label lands on another. */
export function Timeline({
  events,
  summary,
}: {
  events: Record<string, Record<string, unknown[]>>;
  summary: SessionDetails['events'];
}) {
  const [ref, measured] = useWidth<HTMLDivElement>();
  const width = Math.max(MIN_WIDTH, Math.floor(measured) || 800);
  const types = Object.keys(events).filter((t) => t !== 'page');
  const measure = useMemo(
    () =>
      textMeasure(
        typeof document !== 'undefined' ? getComputedStyle(document.body).fontFamily : 'sans-serif',
      ),
    [],
  );
  const typeLabels = types.map((type) => `${type} (${(events[type].t ?? []).length})`);
  const labelWidth = Math.min(
    width * 0.45,
    Math.max(0, ...typeLabels.map((l) => measure(l, TYPE_FONT))) + 8,
  );
  const plotLeft = Math.ceil(labelWidth);
  const plotRight = width - 4;
  const first = summary.first_t ?? 0;
  const span = Math.max(1, (summary.last_t ?? 1) - first);
  const x = (t: number) => plotLeft + ((t - first) / span) * (plotRight - plotLeft);
  const plotHeight = types.length * ROW;
  const marks = summary.pages.map((p) => ({
    key: `${p.t}-${p.phase}-${p.mark}`,
    text: shorten(`${String(p.mark ?? '')} ${String(p.phase ?? '')}`.trim()),
    full: `${String(p.mark ?? '')} ${String(p.phase ?? '')}`,
    x: x(Number(p.t)),
    phase: p.phase,
  }));
  const placed = placeMarks(marks, width, measure);
  const lanes = placed.reduce((n, m) => Math.max(n, m.lane + 1), 0);
  const height = plotHeight + 6 + lanes * LANE_HEIGHT;
  if (types.length === 0) return <p className="text-sm text-slate-500">No events.</p>;
  return (
    <div ref={ref} className="w-full">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        className="block max-w-full"
        role="img"
        aria-label="Event timeline"
        data-testid="timeline"
        data-hidden-marks={marks.length - placed.length}
      >
        <rect
          data-plot
          x={plotLeft}
          y={0}
          width={plotRight - plotLeft}
          height={plotHeight}
          fill="none"
        />
        {marks.map((m) => (
          <line
            key={m.key}
            x1={m.x}
            x2={m.x}
            y1={0}
            y2={plotHeight + 4}
            stroke={m.phase === 'shown' ? '#6366f1' : '#10b981'}
            strokeDasharray="3 2"
          >
            <title>{m.full}</title>
          </line>
        ))}
        {placed.map((m) => (
          <text
            key={m.key}
            x={m.x}
            y={plotHeight + 4 + (m.lane + 1) * LANE_HEIGHT - 3}
            fontSize={MARK_FONT}
            textAnchor={m.anchor}
            fill="#475569"
            data-mark
          >
            {m.text}
          </text>
        ))}
        {types.map((type, row) => {
          const t = (events[type].t ?? []) as number[];
          const step = Math.max(1, Math.ceil(t.length / MAX_DOTS));
          return (
            <g key={type}>
              <text x={0} y={row * ROW + 13} fontSize={TYPE_FONT} fill="#334155" data-type-label>
                {typeLabels[row]}
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
    </div>
  );
}
