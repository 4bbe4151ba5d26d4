import { useQuery } from '@tanstack/react-query';
import { Send } from 'lucide-react';
import { type FormEvent, useMemo, useState } from 'react';
import { Button, Card, inputClass, Skeleton } from '../../components/ui';
import { csrfToken } from '../../lib/api';
import { buildUrl, operations } from './operations';

interface Answer {
  status: number;
  ms: number;
  body: string;
}

/** Try any endpoint: with your own API key, or (without one) as the signed-in user. */
export default function PlaygroundPage() {
  const schema = useQuery({
    queryKey: ['openapi'],
    queryFn: () => fetch('/openapi.json').then((r) => r.json()),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const ops = useMemo(() => (schema.data ? operations(schema.data) : []), [schema.data]);
  const [selected, setSelected] = useState('GET /api/v1/dashboard/overview');
  const [key, setKey] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [body, setBody] = useState('{}');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  const op = ops.find((o) => o.id === selected) ?? ops[0];

  if (schema.isPending) return <Skeleton className="h-64" />;
  if (!op) return <p>No operations found.</p>;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (key) headers.Authorization = `Bearer ${key.trim()}`;
    else if (op.method !== 'GET') headers['X-CSRF-Token'] = csrfToken() ?? '';
    const started = performance.now();
    try {
      const response = await fetch(buildUrl(op, values), {
        method: op.method,
        headers,
        credentials: key ? 'omit' : 'same-origin',
        body: op.hasBody ? body : undefined,
      });
      const text = await response.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: shown as it came
      }
      setAnswer({
        status: response.status,
        ms: Math.round(performance.now() - started),
        body: pretty,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">API playground</h1>
      <form onSubmit={send} className="space-y-3" aria-label="Request">
        <Card>
          <div className="flex flex-wrap items-end gap-3">
            <label className="w-full text-xs sm:w-auto">
              Endpoint
              <select
                className={`${inputClass} ml-1 w-full max-w-xl sm:w-auto`}
                value={op.id}
                onChange={(e) => setSelected(e.target.value)}
              >
                {ops.map((o) => (
                  <option key={o.id} value={o.id}>
                    [{o.tag}] {o.id}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs">
              API key (empty: your login)
              <input
                className={`${inputClass} ml-1 w-80 font-mono`}
                type="password"
                autoComplete="off"
                value={key}
                onChange={(e) => setKey(e.target.value)}
                placeholder="bs_sk_…"
              />
            </label>
            <Button type="submit" disabled={busy}>
              <Send size={14} /> Send
            </Button>
          </div>
          {op.summary && <p className="mt-2 text-sm text-slate-600">{op.summary}</p>}
          {[...op.pathParams, ...op.queryParams].length > 0 && (
            <div className="mt-3 flex flex-wrap gap-3">
              {[...op.pathParams, ...op.queryParams].map((name) => (
                <label key={name} className="text-xs">
                  {name}
                  {op.pathParams.includes(name) ? ' *' : ''}
                  <input
                    className={`${inputClass} ml-1 w-56`}
                    value={values[name] ?? ''}
                    onChange={(e) => setValues({ ...values, [name]: e.target.value })}
                  />
                </label>
              ))}
            </div>
          )}
          {op.hasBody && (
            <label className="mt-3 block text-xs">
              JSON body
              <textarea
                className={`${inputClass} mt-1 block h-32 w-full font-mono`}
                value={body}
                onChange={(e) => setBody(e.target.value)}
              />
            </label>
          )}
        </Card>
      </form>
      {answer && (
        <Card title={`${answer.status} · ${answer.ms} ms`}>
          <pre
            className="max-h-[32rem] overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100"
            data-testid="answer"
          >
            {answer.body}
          </pre>
        </Card>
      )}
    </div>
  );
}
