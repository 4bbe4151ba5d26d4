import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button, inputClass } from '../../components/ui';
import { api, call, type Schemas } from '../../lib/api';
import { CheckItWorks } from './CheckItWorks';
import { OnceWarning, ShownOnce } from './ShownOnce';

type Platform = Schemas['IntegrationCreate']['platform'];
type Secrets = Schemas['IntegrationSecrets'];

export const HOST_HINT: Record<string, string> = {
  qualtrics: 'https://yourdatacenter.qualtrics.com',
  decipher: 'https://v2.decipherinc.com',
  generic: '',
};

/** What a create or a rotate returned: every secret in it, once. */
export function SecretsShown({ secrets }: { secrets: Secrets }) {
  return (
    <div className="mt-2 rounded bg-amber-50 p-2" data-testid="integration-secrets">
      <OnceWarning />
      <ShownOnce label="Integration token" value={secrets.token} />
      {secrets.shared_key && <ShownOnce label="Signing key" value={secrets.shared_key} />}
      {secrets.event_path && (
        <ShownOnce label="Event address" value={`${window.location.origin}${secrets.event_path}`} />
      )}
    </div>
  );
}

/** Only the fields the user filled in, so the service's own defaults apply to the rest. */
function createBody(form: FormData): Schemas['IntegrationCreate'] {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  return {
    platform: text('platform') as Platform,
    name: text('name'),
    survey_id: text('survey_id'),
    base_url: text('base_url') || null,
    api_token: text('api_token') || null,
  };
}

export function CreateIntegration() {
  const client = useQueryClient();
  const [platform, setPlatform] = useState<Platform>('qualtrics');
  const [error, setError] = useState('');
  const create = useMutation({
    mutationFn: (body: Schemas['IntegrationCreate']) =>
      call(api.POST('/api/v1/integrations', { body })),
    onMutate: () => setError(''),
    onSuccess: () => client.invalidateQueries({ queryKey: ['integrations', 'status'] }),
    onError: (e) => setError(e.message),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate(createBody(new FormData(e.currentTarget)));
  };
  return (
    <div>
      <form className="flex flex-wrap items-end gap-2 text-xs" onSubmit={submit}>
        <label className="flex flex-col">
          Platform
          <select
            name="platform"
            className={inputClass}
            value={platform}
            onChange={(e) => setPlatform(e.target.value as Platform)}
          >
            <option value="qualtrics">Qualtrics</option>
            <option value="decipher">Decipher</option>
            <option value="generic">Other (generic)</option>
          </select>
        </label>
        <label className="flex flex-col">
          Name
          <input name="name" required maxLength={100} className={inputClass} />
        </label>
        <label className="flex flex-col">
          Survey id
          <input name="survey_id" required maxLength={128} className={`${inputClass} font-mono`} />
        </label>
        {platform !== 'generic' && (
          <label className="flex flex-col">
            Datacenter / host
            <input
              name="base_url"
              type="url"
              placeholder={HOST_HINT[platform]}
              className={`${inputClass} w-64`}
            />
          </label>
        )}
        {platform !== 'generic' && (
          <label className="flex flex-col">
            API token
            <input name="api_token" type="password" maxLength={200} className={inputClass} />
          </label>
        )}
        <Button type="submit" disabled={create.isPending}>
          <Plus size={14} /> Create integration
        </Button>
      </form>
      {error && <p className="mt-1 text-xs text-red-700">Not created: {error}</p>}
      {create.data && (
        <>
          <p className="mt-2 text-sm">
            Created <strong>{create.data.integration.name}</strong> for survey{' '}
            <code>{create.data.integration.survey_id}</code>.
          </p>
          <SecretsShown secrets={create.data} />
          <CheckItWorks survey={create.data.integration.survey_id} />
        </>
      )}
    </div>
  );
}
