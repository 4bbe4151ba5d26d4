// The collector's environment record, with the signals bots often give away highlighted.
const SUSPICIOUS: Record<string, (v: unknown) => boolean> = {
  webdriver: (v) => v === true,
  headless: (v) => v === true,
  languages: (v) => Array.isArray(v) && v.length === 0,
  plugins: (v) => (Array.isArray(v) && v.length === 0) || v === 0,
  userAgent: (v) =>
    typeof v === 'string' && /headless|phantom|puppeteer|playwright|selenium/i.test(v),
  hardwareConcurrency: (v) => v === 0,
  automation: (v) => !!v && v !== false,
};

export function isSuspicious(key: string, value: unknown): boolean {
  return SUSPICIOUS[key]?.(value) ?? false;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

export function Environment({ environment }: { environment: Record<string, unknown> }) {
  const entries = Object.entries(environment);
  if (entries.length === 0)
    return <p className="text-sm text-slate-500">No environment recorded.</p>;
  return (
    <table className="w-full text-sm">
      <tbody>
        {entries.map(([key, value]) => {
          const bad = isSuspicious(key, value);
          return (
            <tr
              key={key}
              className={`border-t border-slate-100 ${bad ? 'bg-red-50 text-red-800' : ''}`}
              data-suspicious={bad}
            >
              <th className="w-48 py-1 pr-2 text-left font-mono text-xs font-normal">{key}</th>
              <td className="break-all font-mono text-xs">
                {show(value)}{' '}
                {bad && (
                  <span className="ml-1 rounded bg-red-200 px-1 text-[10px] uppercase">
                    suspicious
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
