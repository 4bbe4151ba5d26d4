import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { Card, Empty, Skeleton } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { DECISION_LABELS, type Decision, ruleText } from '../../lib/decision';
import { num, pct, when } from '../../lib/format';
import { FLAG_HELP, FLAG_LABELS } from '../../lib/quality';

type Figures = Schemas['SurveyFigures'];

const DECISION_FILTER: Record<Decision, string> = {
  exclude: 'bot',
  review: 'review',
  keep: 'human',
  insufficient_evidence: 'insufficient_evidence',
};

function sessionsLink(survey: string, extra: Record<string, string> = {}) {
  return `/sessions?${new URLSearchParams({ survey_id: survey, range: 'all', ...extra })}`;
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-2xl font-bold" data-testid={testId}>
        {value}
      </div>
    </Card>
  );
}

/** One row per decision: how many, the share of analysed sessions, a link to them. */
function Decisions({ f }: { f: Figures }) {
  return (
    <Card title="Decisions">
      <ul className="space-y-2 text-sm" data-testid="survey-decisions">
        {(Object.keys(DECISION_LABELS) as Decision[]).map((d) => {
          const n = f.decisions[d] ?? 0;
          const share = f.analyzed ? n / f.analyzed : 0;
          return (
            <li key={d} data-decision={d}>
              <div className="flex items-baseline justify-between gap-2">
                <Link
                  className="text-indigo-700 hover:underline"
                  to={sessionsLink(f.survey_id, { verdict: DECISION_FILTER[d] })}
                >
                  {DECISION_LABELS[d]}
                </Link>
                <span className="tabular-nums">
                  {num(n)} <span className="text-slate-500">({pct(share)})</span>
                </span>
              </div>
              <div className="mt-1 h-1.5 rounded bg-slate-100">
                <div className="h-1.5 rounded bg-indigo-500" style={{ width: `${share * 100}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function Quality({ f }: { f: Figures }) {
  return (
    <Card title="Quality flags (careless answering, not bot evidence)">
      <ul className="space-y-1 text-sm" data-testid="survey-flags">
        {Object.entries(f.quality_flags).map(([flag, n]) => (
          <li key={flag} className="flex justify-between gap-2" title={FLAG_HELP[flag]}>
            <Link
              className="text-indigo-700 hover:underline"
              to={sessionsLink(f.survey_id, { flag })}
            >
              {FLAG_LABELS[flag] ?? flag}
            </Link>
            <span className="tabular-nums">{num(n)}</span>
          </li>
        ))}
        <li className="flex justify-between gap-2 border-t border-slate-100 pt-1 font-medium">
          <span>With any flag</span>
          <span className="tabular-nums">{num(f.with_quality_flags)}</span>
        </li>
      </ul>
    </Card>
  );
}

function Review({ f }: { f: Figures }) {
  return (
    <Card title="Review and labels">
      <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 text-sm">
        <dt>
          <Link
            className="text-indigo-700 hover:underline"
            to={`/review?${new URLSearchParams({ survey_id: f.survey_id })}`}
          >
            Waiting for review
          </Link>
        </dt>
        <dd className="tabular-nums" data-testid="survey-pending">
          {num(f.review.pending)}
        </dd>
        <dt>Confirmed bot</dt>
        <dd className="tabular-nums">{num(f.review.confirmed_bot)}</dd>
        <dt>Dismissed (person)</dt>
        <dd className="tabular-nums">{num(f.review.dismissed)}</dd>
        <dt>Labelled human / bot</dt>
        <dd className="tabular-nums">
          {num(f.labels.human)} / {num(f.labels.bot)}
        </dd>
      </dl>
    </Card>
  );
}

function Downloads({ f }: { f: Figures }) {
  const survey = encodeURIComponent(f.survey_id);
  const sessions = new URLSearchParams({ survey_id: f.survey_id });
  return (
    <Card title="Downloads">
      <ul className="space-y-1 text-sm">
        <li>
          <a
            className="text-indigo-700 underline"
            href={`/api/v1/dashboard/sessions/export.csv?${sessions}`}
            download
          >
            Every session (CSV)
          </a>{' '}
          <span className="text-slate-500">with decision, quality flags, review and label</span>
        </li>
        {f.scored_responses > 0 ? (
          <li>
            Platform responses ({num(f.scored_responses)}), with the <code>exclude</code> column:{' '}
            <a
              className="text-indigo-700 underline"
              href={`/api/v1/surveys/${survey}/responses?format=csv&limit=5000`}
            >
              CSV
            </a>
            {' · '}
            <a
              className="text-indigo-700 underline"
              href={`/api/v1/surveys/${survey}/responses?format=jsonl&limit=5000`}
            >
              JSON Lines
            </a>{' '}
            <span className="text-slate-500">(5,000 a page; the API pages through the rest)</span>
          </li>
        ) : (
          <li className="text-slate-500">
            No platform responses scored yet: connect Qualtrics or Decipher on the Integrations page
            to get the reconciliation download.
          </li>
        )}
      </ul>
    </Card>
  );
}

export default function SurveyPage() {
  const { surveyId = '' } = useParams();
  const figures = useQuery({
    queryKey: ['survey', surveyId],
    queryFn: () =>
      call(
        api.GET('/api/v1/dashboard/surveys/{survey_id}', {
          params: { path: { survey_id: surveyId } },
        }),
      ),
  });
  const f = figures.data;
  return (
    <div className="space-y-4">
      <div>
        <Link className="text-sm text-indigo-700 hover:underline" to="/surveys">
          ← Surveys
        </Link>
        <h1 className="break-all text-2xl font-bold">
          Survey <span className="font-mono">{surveyId}</span>
        </h1>
      </div>
      {figures.isError ? (
        <Card>
          <Empty>{figures.error.message}</Empty>
        </Card>
      ) : !f ? (
        <Skeleton className="h-40" />
      ) : (
        <>
          <p className="text-sm text-slate-600" data-testid="survey-rule">
            {ruleText(f.rule)}{' '}
            <Link
              className="text-indigo-700 underline"
              to={`/settings?${new URLSearchParams({ survey: f.survey_id })}`}
            >
              {f.rule.source === 'survey' ? 'Change its rule' : 'Give it its own rule'}
            </Link>
          </p>
          <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
            <Stat label="Sessions" value={num(f.sessions)} testId="survey-sessions" />
            <Stat label="Analysed" value={num(f.analyzed)} testId="survey-analysed" />
            <Stat label="Excluded" value={num(f.decisions.exclude)} testId="survey-excluded" />
            <Stat
              label="Exclusion rate"
              value={pct(f.exclusion_rate)}
              testId="survey-exclusion-rate"
            />
          </div>
          <p className="text-sm text-slate-600">
            {f.first_session_at ? `From ${when(f.first_session_at)}` : ''}
            {f.last_session_at ? ` to ${when(f.last_session_at)}` : ''}
            {' · '}
            {Object.entries(f.platforms)
              .map(([p, n]) => `${p} ${num(n)}`)
              .join(', ')}
            {' · '}
            <Link
              className="text-indigo-700 underline"
              to={sessionsLink(f.survey_id)}
              data-testid="survey-sessions-link"
            >
              See its sessions
            </Link>
          </p>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
            <Decisions f={f} />
            <Quality f={f} />
            <Review f={f} />
          </div>
          <Downloads f={f} />
        </>
      )}
    </div>
  );
}
