import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound, Plus, Send, Trash2 } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button, Card, Empty, inputClass } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { OnceWarning, ShownOnce } from './ShownOnce';

type Secret = Schemas['WebhookSecret'];

function SecretShown({ secret }: { secret: Secret }) {
  return (
    <div className="mt-2 rounded bg-amber-50 p-2" data-testid="webhook-secret">
      <OnceWarning />
      <ShownOnce label={`Signing secret for ${secret.webhook.url}`} value={secret.secret} />
    </div>
  );
}

function CreateWebhook({ onCreated }: { onCreated: (secret: Secret) => void }) {
  const client = useQueryClient();
  const [error, setError] = useState('');
  const create = useMutation({
    mutationFn: (url: string) => call(api.POST('/api/v1/integrations/webhooks', { body: { url } })),
    onMutate: () => setError(''),
    onSuccess: (secret) => {
      onCreated(secret);
      client.invalidateQueries({ queryKey: ['integrations', 'webhooks'] });
    },
    onError: (e) => setError(e.message),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate(String(new FormData(e.currentTarget).get('url') ?? '').trim());
  };
  return (
    <form className="mb-2 flex flex-wrap items-end gap-2 text-xs" onSubmit={submit}>
      <label className="flex flex-col">
        Webhook URL
        <input
          name="url"
          type="url"
          required
          placeholder="https://your-server.example/botsieve"
          className={`${inputClass} w-80`}
        />
      </label>
      <Button type="submit" disabled={create.isPending}>
        <Plus size={14} /> Add webhook
      </Button>
      {error && <span className="text-red-700">Not added: {error}</span>}
    </form>
  );
}

/** Webhook endpoints: add one, rotate its signing secret, send a signed test delivery, delete. */
export function Webhooks({ queueDepth }: { queueDepth: number }) {
  const webhooks = useQuery({
    queryKey: ['integrations', 'webhooks'],
    queryFn: () => call(api.GET('/api/v1/integrations/webhooks')),
    meta: { quiet: true },
  });
  const [shown, setShown] = useState<Secret | null>(null);
  const [outcome, setOutcome] = useState<Record<string, string>>({});
  const note = (id: string, text: string) => setOutcome((all) => ({ ...all, [id]: text }));
  const endpoint = (id: string) => ({ params: { path: { endpoint_id: id } } });
  const test = useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/integrations/webhooks/{endpoint_id}/test', endpoint(id))),
    onSuccess: (result, id) =>
      note(
        id,
        result.delivered
          ? `delivered (HTTP ${result.status_code})`
          : `failed: ${result.error ?? result.status_code}`,
      ),
    onError: (e, id) => note(id, `test failed: ${e.message}`),
  });
  const rotate = useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/integrations/webhooks/{endpoint_id}/rotate', endpoint(id))),
    onSuccess: (secret, id) => {
      setShown(secret);
      note(id, 'secret rotated');
    },
    onError: (e, id) => note(id, `not rotated: ${e.message}`),
  });
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/integrations/webhooks/{endpoint_id}', endpoint(id))),
    onSuccess: () => client.invalidateQueries({ queryKey: ['integrations', 'webhooks'] }),
    onError: (e, id) => note(id, `not deleted: ${e.message}`),
  });
  const confirmDelete = (url: string, id: string) => {
    if (window.confirm(`Stop sending to ${url}? Its queued deliveries are dropped.`)) {
      remove.mutate(id);
    }
  };
  return (
    <Card title={`Webhooks (queue: ${queueDepth})`}>
      <CreateWebhook onCreated={setShown} />
      {shown && <SecretShown secret={shown} />}
      {!webhooks.data?.length ? (
        <Empty>No webhooks.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="webhooks">
          {webhooks.data.map((w) => (
            <li key={w.id} className="flex flex-wrap items-center gap-3 py-2">
              <span className="font-mono text-xs">{w.url}</span>
              <span className="text-xs text-slate-500">{w.events.join(', ')}</span>
              <span className="ml-auto text-xs">{outcome[w.id] ?? ''}</span>
              <Button
                variant="ghost"
                disabled={rotate.isPending}
                onClick={() => rotate.mutate(w.id)}
              >
                <KeyRound size={14} /> Rotate secret
              </Button>
              <Button variant="ghost" disabled={test.isPending} onClick={() => test.mutate(w.id)}>
                <Send size={14} /> Send a signed test
              </Button>
              <Button
                variant="ghost"
                disabled={remove.isPending}
                onClick={() => confirmDelete(w.url, w.id)}
              >
                <Trash2 size={14} /> Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
