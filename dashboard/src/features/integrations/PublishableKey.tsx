import { useMutation } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button, inputClass } from '../../components/ui';
import { api, type CreatedApiKey, call } from '../../lib/api';
import { OnceWarning, ShownOnce } from './ShownOnce';

/** The origin a survey runs on, or null: a scheme and a host, nothing after them. */
export function surveyOrigin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Creates a publishable key allowed only on the survey's origin, for the guide's snippet. */
export function PublishableKey({
  survey,
  onKey,
}: {
  survey: string;
  onKey: (key: CreatedApiKey) => void;
}) {
  const [error, setError] = useState('');
  const create = useMutation({
    mutationFn: (origin: string) =>
      call(
        api.POST('/api/v1/keys', {
          body: { name: `collector ${survey}`, kind: 'publishable', allowed_origins: [origin] },
        }),
      ),
    onMutate: () => setError(''),
    onSuccess: onKey,
    onError: (e) => setError(e.message),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const origin = surveyOrigin(String(new FormData(e.currentTarget).get('origin') ?? ''));
    if (origin) create.mutate(origin);
    else setError('the origin is an address such as https://yourorg.qualtrics.com');
  };
  return (
    <div>
      <form className="flex flex-wrap items-end gap-2 text-xs" onSubmit={submit}>
        <label className="flex flex-col">
          The survey's origin
          <input
            name="origin"
            required
            placeholder="https://yourorg.qualtrics.com"
            className={`${inputClass} w-72`}
          />
        </label>
        <Button type="submit" variant="ghost" disabled={create.isPending}>
          <KeyRound size={14} /> Create a publishable key for it
        </Button>
        {error && <span className="text-red-700">No key: {error}</span>}
      </form>
      {create.data && (
        <div className="mt-1 rounded bg-amber-50 p-2" data-testid="publishable-key">
          <OnceWarning />
          <ShownOnce
            label={`Publishable key for ${create.data.allowed_origins.join(', ')}`}
            value={create.data.key}
          />
          <p className="text-xs text-slate-600">It is filled into the snippet below.</p>
        </div>
      )}
    </div>
  );
}
