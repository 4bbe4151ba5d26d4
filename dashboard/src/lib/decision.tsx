// What the survey's decision rule makes of a verdict, said the same way on every page.
export type Decision = 'exclude' | 'review' | 'keep' | 'insufficient_evidence';

export const DECISION_LABELS: Record<Decision, string> = {
  exclude: 'Bot (excluded)',
  review: 'Review',
  keep: 'Person (kept)',
  insufficient_evidence: 'Not enough evidence',
};

const COLOURS: Record<Decision, string> = {
  exclude: 'bg-red-100 text-red-800',
  review: 'bg-amber-100 text-amber-800',
  keep: 'bg-emerald-100 text-emerald-800',
  insufficient_evidence: 'bg-slate-200 text-slate-700',
};

export function DecisionBadge({ decision }: { decision: string | null | undefined }) {
  if (!decision) return <span className="text-xs text-slate-400">not analysed</span>;
  const known = decision as Decision;
  return (
    <span
      data-testid="decision"
      data-decision={decision}
      className={`whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${COLOURS[known] ?? ''}`}
    >
      {DECISION_LABELS[known] ?? decision}
    </span>
  );
}

export interface RuleLike {
  threshold: number;
  review_from?: number | null;
  source: 'survey' | 'install' | 'model';
  survey_id?: string | null;
}

const SOURCE: Record<RuleLike['source'], string> = {
  survey: "this survey's rule",
  install: "the install's rule",
  model: "the model's calibrated threshold",
};

/** One sentence: what the rule excludes and sends to review, and where it comes from. */
export function ruleText(rule: RuleLike): string {
  const pc = (v: number) => `${(v * 100).toFixed(1).replace(/\.0$/, '')}%`;
  const band =
    rule.review_from === null || rule.review_from === undefined
      ? 'no review band'
      : `review from ${pc(rule.review_from)}`;
  return `Excluded from P(bot) ≥ ${pc(rule.threshold)}, ${band} (${SOURCE[rule.source]}).`;
}
