// The engine's quality flags: careless answering, reported beside the bot probability and
// never part of it (careless people are people).
export const FLAG_LABELS: Record<string, string> = {
  speeding: 'Speeding',
  no_interaction: 'No interaction',
  long_absence: 'Long absence',
  pasted_text: 'Pasted text',
};

export const FLAG_HELP: Record<string, string> = {
  speeding: 'Under 2 s per page (median) over three pages or more.',
  no_interaction: 'No pointer, touch, key, scroll or input event at all.',
  long_absence: 'The page was hidden for over a minute, or for over half the session.',
  pasted_text: 'Text was pasted into an answer.',
};

export function QualityFlags({ flags }: { flags: string[] | undefined }) {
  if (!flags?.length) return <span className="text-xs text-slate-400">none</span>;
  return (
    <span className="flex flex-wrap gap-1" data-testid="quality-flags">
      {flags.map((f) => (
        <span
          key={f}
          title={FLAG_HELP[f] ?? f}
          data-flag={f}
          className="whitespace-nowrap rounded bg-orange-100 px-1.5 py-0.5 text-[11px] text-orange-800"
        >
          {FLAG_LABELS[f] ?? f}
        </span>
      ))}
    </span>
  );
}
