import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Copy, KeyRound } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { toast } from 'react-toastify';
import { Button, Card, Empty, inputClass, Skeleton } from '../../components/ui';
import { api, type CreatedApiKey, call } from '../../lib/api';
import { when } from '../../lib/format';

export function KeysPanel() {
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => call(api.GET('/api/v1/keys')) });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'publishable' | 'secret'>('publishable');
  const [origins, setOrigins] = useState('');
  const [shown, setShown] = useState<CreatedApiKey | null>(null);
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/keys', {
          body: { name, kind, allowed_origins: origins.split(/[\s,]+/).filter(Boolean) },
        }),
      ),
    onSuccess: (created) => {
      setShown(created);
      setName('');
      setOrigins('');
      client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/keys/{key_id}', { params: { path: { key_id: id } } })),
    onSuccess: () => {
      toast.success('Key revoked');
      client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card title="API keys">
      <form
        onSubmit={submit}
        className="mb-4 flex flex-wrap items-end gap-2"
        aria-label="Create an API key"
      >
        <label className="text-xs">
          Name
          <input
            required
            name="key-name"
            className={`${inputClass} ml-1`}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="text-xs">
          Kind
          <select
            name="key-kind"
            className={`${inputClass} ml-1`}
            value={kind}
            onChange={(e) => setKind(e.target.value as 'publishable' | 'secret')}
          >
            <option value="publishable">publishable (survey pages)</option>
            <option value="secret">secret (servers)</option>
          </select>
        </label>
        {kind === 'publishable' && (
          <label className="text-xs">
            Allowed origins
            <input
              name="key-origins"
              className={`${inputClass} ml-1 w-72`}
              placeholder="https://survey.example.org"
              value={origins}
              onChange={(e) => setOrigins(e.target.value)}
            />
          </label>
        )}
        <Button type="submit" disabled={create.isPending}>
          <KeyRound size={14} /> Create key
        </Button>
      </form>
      {shown && (
        <div
          role="status"
          className="mb-4 rounded border border-emerald-300 bg-emerald-50 p-3 text-sm"
          data-testid="new-key"
        >
          <p className="font-semibold">Copy this key now: it is shown only once.</p>
          <code className="mt-1 block break-all font-mono" data-testid="new-key-value">
            {shown.key}
          </code>
          <div className="mt-2 flex gap-2">
            <Button
              variant="ghost"
              onClick={() =>
                navigator.clipboard?.writeText(shown.key).then(() => toast.info('Copied'))
              }
            >
              <Copy size={14} /> Copy
            </Button>
            <Button variant="ghost" onClick={() => setShown(null)}>
              Done
            </Button>
          </div>
        </div>
      )}
      {keys.isPending ? (
        <Skeleton className="h-24" />
      ) : !keys.data?.length ? (
        <Empty>No active keys.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="keys">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Prefix</th>
                <th>Allowed origins</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr
                  key={k.id}
                  className="border-t border-slate-100"
                  data-testid="key-row"
                  data-key-name={k.name}
                >
                  <td className="py-1">{k.name}</td>
                  <td>{k.kind}</td>
                  <td className="font-mono">{k.prefix}…</td>
                  <td className="text-xs">{k.allowed_origins.join(', ') || '—'}</td>
                  <td className="text-xs">{when(k.created_at)}</td>
                  <td className="text-right">
                    <Button
                      variant="danger"
                      aria-label={`Revoke ${k.name}`}
                      disabled={revoke.isPending}
                      onClick={() =>
                        window.confirm(
                          `Revoke key "${k.name}"? Anything using it stops working.`,
                        ) && revoke.mutate(k.id)
                      }
                    >
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
