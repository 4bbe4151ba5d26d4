import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { toast } from 'react-toastify';
import { Button, Card, inputClass, Skeleton } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { DECISION_LABELS, type Decision, ruleText } from '../../lib/decision';
import { num, when } from '../../lib/format';

type RuleOut = Schemas['RuleOut'];
interface Draft {
  threshold: number;
  band: boolean;
  review_from: number;
}
const INSTALL = '';

function draftOf(rule: RuleOut): Draft {
  const review = rule.review_from ?? null;
  return {
    threshold: rule.threshold,
    band: review !== null,
    review_from: review ?? Math.max(0, Number((rule.threshold - 0.2).toFixed(2))),
  };
}

function body(draft: Draft) {
  return { threshold: draft.threshold, review_from: draft.band ? draft.review_from : null };
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

/** What saving the draft would change: one line per kind of change. */
function Preview({ survey, draft }: { survey: string; draft: Draft }) {
  const proposal = useDebounced({ ...body(draft), survey_id: survey || null }, 250);
  const inRange = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
  const problem = !inRange(draft.threshold)
    ? 'The threshold is a probability between 0 and 1.'
    : draft.band && !(inRange(draft.review_from) && draft.review_from < draft.threshold)
      ? 'The review band must start below the threshold.'
      : null;
  const valid = problem === null;
  const preview = useQuery({
    queryKey: ['decision-preview', proposal],
    queryFn: () => call(api.POST('/api/v1/decision-rules/preview', { body: proposal })),
    enabled: valid,
  });
  if (problem) return <p className="text-sm text-red-700">{problem}</p>;
  if (preview.isError) return <p className="text-sm text-red-700">{preview.error.message}</p>;
  if (!preview.data) return <Skeleton className="h-10" />;
  const p = preview.data;
  return (
    <div className="text-sm" data-testid="rule-preview" aria-live="polite">
      {p.changes.length === 0 ? (
        <p>
          Saving changes no decision among the {num(p.sessions)} analysed sessions this rule
          governs.
        </p>
      ) : (
        <>
          <p>
            Saving relabels{' '}
            <strong data-testid="rule-preview-count">
              {num(p.changes.reduce((n, c) => n + c.sessions, 0))}
            </strong>{' '}
            of {num(p.sessions)} analysed sessions, at once and without re-analysis:
          </p>
          <ul className="ml-4 list-disc">
            {p.changes.map((c) => (
              <li key={`${c.before}-${c.after}`}>
                {num(c.sessions)}: {DECISION_LABELS[c.before as Decision]} →{' '}
                {DECISION_LABELS[c.after as Decision]}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="mt-1 text-xs text-slate-500">
        After saving:{' '}
        {(Object.keys(DECISION_LABELS) as Decision[])
          .map((d) => `${DECISION_LABELS[d]} ${num(p.after[d] ?? 0)}`)
          .join(' · ')}
      </p>
    </div>
  );
}

export function DecisionRulePanel({ readOnly }: { readOnly: boolean }) {
  const client = useQueryClient();
  const rules = useQuery({
    queryKey: ['decision-rules'],
    queryFn: () => call(api.GET('/api/v1/decision-rules')),
  });
  // A survey's page links here with ?survey=ID to open that survey's rule.
  const [params] = useSearchParams();
  const [survey, setSurvey] = useState(params.get('survey') ?? INSTALL);
  const [newSurvey, setNewSurvey] = useState('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const current: RuleOut | undefined =
    survey === INSTALL
      ? rules.data?.install
      : (rules.data?.surveys.find((r) => r.survey_id === survey) ?? {
          ...(rules.data?.install as RuleOut),
          survey_id: survey,
        });
  // Reset the form when the rule shown changes (another scope, or a save), not on every render.
  const shown = current ? JSON.stringify(current) : '';
  useEffect(() => {
    if (shown) setDraft(draftOf(JSON.parse(shown) as RuleOut));
  }, [shown]);
  const changed = () => {
    for (const key of ['decision-rules', 'sessions', 'session', 'overview', 'decision-preview'])
      client.invalidateQueries({ queryKey: [key] });
  };
  const save = useMutation({
    mutationFn: (d: Draft) =>
      survey === INSTALL
        ? call(api.PUT('/api/v1/decision-rules/install', { body: body(d) }))
        : call(
            api.PUT('/api/v1/decision-rules/surveys/{survey_id}', {
              params: { path: { survey_id: survey } },
              body: body(d),
            }),
          ),
    onSuccess: (saved) => {
      toast.success(`Decision rule saved: ${num(saved.relabelled)} sessions relabelled`);
      changed();
    },
  });
  const reset = useMutation({
    mutationFn: () =>
      survey === INSTALL
        ? call(api.DELETE('/api/v1/decision-rules/install'))
        : call(
            api.DELETE('/api/v1/decision-rules/surveys/{survey_id}', {
              params: { path: { survey_id: survey } },
            }),
          ),
    onSuccess: (saved) => {
      toast.success(`Rule removed: ${num(saved.relabelled)} sessions relabelled`);
      changed();
    },
  });
  if (!rules.data || !draft || !current) return <Skeleton className="h-48" />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const surveys = rules.data.surveys.map((r) => r.survey_id as string);
  if (survey !== INSTALL && !surveys.includes(survey)) surveys.push(survey);
  const own =
    current.source !== 'model' && (survey === INSTALL ? true : current.source === 'survey');
  return (
    <Card title="Decision rule: what is excluded as a bot">
      <p className="mb-3 text-sm text-slate-600">
        The rule decides what botsieve says everywhere: the API's <code>is_bot</code> and{' '}
        <code>decision</code>, the verdict column and filters of the session list, the overview's
        exclusion rate, and what integrations and webhooks send. Sessions the engine could not judge
        (not enough evidence) are never excluded and never counted as people. Changing the rule
        relabels stored sessions at once; nothing is re-analysed.
      </p>
      <form onSubmit={submit} aria-label="Decision rule" className="space-y-3">
        <div className="flex flex-wrap items-end gap-3">
          <label className="text-sm">
            Rule for
            <select
              name="rule_scope"
              className={`${inputClass} ml-2`}
              value={survey}
              onChange={(e) => setSurvey(e.target.value)}
            >
              <option value={INSTALL}>the install (surveys without their own)</option>
              {surveys.map((s) => (
                <option key={s} value={s}>
                  survey {s}
                </option>
              ))}
            </select>
          </label>
          {!readOnly && (
            <label className="text-sm">
              or a survey id
              <input
                name="new_survey"
                className={`${inputClass} ml-2 w-40`}
                value={newSurvey}
                onChange={(e) => setNewSurvey(e.target.value)}
              />
              <Button
                type="button"
                variant="ghost"
                disabled={!newSurvey.trim()}
                onClick={() => {
                  setSurvey(newSurvey.trim());
                  setNewSurvey('');
                }}
              >
                Edit its rule
              </Button>
            </label>
          )}
        </div>
        <p className="text-xs text-slate-500" data-testid="rule-in-force">
          In force: {ruleText(current)}
          {current.updated_at ? ` Saved ${when(current.updated_at)} by ${current.updated_by}.` : ''}{' '}
          The model's calibrated threshold is {(current.model_threshold * 100).toFixed(1)}%.
        </p>
        <fieldset disabled={readOnly} className="flex flex-wrap items-center gap-4">
          <label className="text-sm">
            Exclude from P(bot) ≥
            <input
              name="threshold"
              type="number"
              step="0.01"
              min={0}
              max={1}
              className={`${inputClass} ml-2 w-24`}
              value={draft.threshold}
              onChange={(e) => setDraft({ ...draft, threshold: Number(e.target.value) })}
            />
          </label>
          <label className="text-sm">
            <input
              type="checkbox"
              name="band"
              checked={draft.band}
              onChange={(e) => setDraft({ ...draft, band: e.target.checked })}
            />{' '}
            send to review from P(bot) ≥
            <input
              name="review_from"
              type="number"
              step="0.01"
              min={0}
              max={1}
              disabled={!draft.band}
              className={`${inputClass} ml-2 w-24`}
              value={draft.review_from}
              onChange={(e) => setDraft({ ...draft, review_from: Number(e.target.value) })}
            />
          </label>
        </fieldset>
        <Preview survey={survey} draft={draft} />
        {!readOnly && (
          <div className="flex flex-wrap gap-3">
            <Button type="submit" disabled={save.isPending}>
              Save rule
            </Button>
            {own && (
              <Button
                type="button"
                variant="ghost"
                disabled={reset.isPending}
                onClick={() => reset.mutate()}
              >
                {survey === INSTALL ? "Use the model's threshold" : "Remove this survey's rule"}
              </Button>
            )}
          </div>
        )}
      </form>
    </Card>
  );
}
