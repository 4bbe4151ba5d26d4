import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Activity, KeyRound, Save, Trash2 } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button, inputClass } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { CheckItWorks } from './CheckItWorks';
import { HOST_HINT, SecretsShown } from './CreateIntegration';

type Status = Schemas['IntegrationStatus'];

/** Only what was typed: an empty token field keeps the stored token. */
function updateBody(form: FormData): Schemas['IntegrationUpdate'] {
  const body: Schemas['IntegrationUpdate'] = {};
  const token = String(form.get('api_token') ?? '').trim();
  const host = String(form.get('base_url') ?? '').trim();
  if (token) body.api_token = token;
  if (host) body.base_url = host;
  return body;
}

/** Change the platform's API token and datacenter / host, rotate the integration's secrets, or
 * delete it (after a confirmation: its token and event address stop working at once). */
export function EditIntegration({ integration }: { integration: Status }) {
  const client = useQueryClient();
  const [outcome, setOutcome] = useState('');
  // Watching polls the service, so it starts only when asked, not for every row on the page.
  const [watching, setWatching] = useState(false);
  const path = { params: { path: { integration_id: integration.id } } };
  const save = useMutation({
    mutationFn: (body: Schemas['IntegrationUpdate']) =>
      call(api.PATCH('/api/v1/integrations/{integration_id}', { ...path, body })),
    onMutate: () => setOutcome(''),
    onSuccess: (_, body) => {
      setOutcome(`saved ${Object.keys(body).join(' and ').replace('api_token', 'token')}`);
      client.invalidateQueries({ queryKey: ['integrations', 'status'] });
    },
    onError: (e) => setOutcome(`not saved: ${e.message}`),
  });
  const rotate = useMutation({
    mutationFn: () => call(api.POST('/api/v1/integrations/{integration_id}/rotate', path)),
    onMutate: () => setOutcome(''),
    onError: (e) => setOutcome(`not rotated: ${e.message}`),
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/integrations/{integration_id}', path)),
    onMutate: () => setOutcome(''),
    onSuccess: () => client.invalidateQueries({ queryKey: ['integrations'] }),
    onError: (e) => setOutcome(`not deleted: ${e.message}`),
  });
  const confirmDelete = () => {
    const question =
      `Delete "${integration.name}"? Its token and event address stop working at once, and ` +
      'its scored responses and queued jobs are removed. The sessions stay.';
    if (window.confirm(question)) remove.mutate();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const body = updateBody(new FormData(e.currentTarget));
    if (Object.keys(body).length === 0) setOutcome('nothing to save: fill in a field');
    else {
      save.mutate(body);
      e.currentTarget.reset();
    }
  };
  return (
    <details className="mt-2" data-testid="edit-integration">
      <summary className="cursor-pointer text-xs text-indigo-700">
        Edit token, host, rotate, delete
      </summary>
      <form className="mt-2 flex flex-wrap items-end gap-2 text-xs" onSubmit={submit}>
        <label className="flex flex-col">
          New API token
          <input name="api_token" type="password" maxLength={200} className={inputClass} />
        </label>
        <label className="flex flex-col">
          Datacenter / host
          <input
            name="base_url"
            type="url"
            placeholder={HOST_HINT[integration.platform] ?? 'https://…'}
            className={`${inputClass} w-64`}
          />
        </label>
        <Button type="submit" variant="ghost" disabled={save.isPending}>
          <Save size={14} /> Save
        </Button>
        <Button
          variant="ghost"
          disabled={rotate.isPending}
          title="New token and signing key; the old ones keep working for 24 hours"
          onClick={() => rotate.mutate()}
        >
          <KeyRound size={14} /> Rotate secrets
        </Button>
        <Button
          variant="ghost"
          disabled={watching}
          title="Watch for the survey's first live session"
          onClick={() => setWatching(true)}
        >
          <Activity size={14} /> Check it works
        </Button>
        <Button variant="ghost" disabled={remove.isPending} onClick={confirmDelete}>
          <Trash2 size={14} /> Delete integration
        </Button>
        <span className="text-slate-600" data-testid="edit-outcome">
          {outcome}
        </span>
      </form>
      {rotate.data && (
        <p className="mt-1 text-xs text-slate-600">
          The old token and key keep working for 24 hours.
        </p>
      )}
      {rotate.data && <SecretsShown secrets={rotate.data} />}
      {watching && <CheckItWorks survey={integration.survey_id} />}
    </details>
  );
}
