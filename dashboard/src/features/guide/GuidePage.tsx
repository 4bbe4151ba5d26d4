import { useState } from 'react';
import { Card, inputClass } from '../../components/ui';
import { PublishableKey } from '../integrations/PublishableKey';
import { quickStart } from './snippet';

const origin = typeof window === 'undefined' ? 'http://127.0.0.1:8000' : window.location.origin;

function Snippet({ children, testId }: { children: string; testId?: string }) {
  return (
    <pre
      className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100"
      data-testid={testId}
    >
      {children}
    </pre>
  );
}

function Field({
  label,
  name,
  value,
  onChange,
}: {
  label: string;
  name: keyof Values;
  value: string;
  onChange: (name: keyof Values, value: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        name={name}
        className={`${inputClass} ml-1 w-56 font-mono`}
        value={value}
        onChange={(e) => onChange(name, e.target.value)}
      />
    </label>
  );
}

type Values = Omit<Parameters<typeof quickStart>[0], 'endpoint'>;

export default function GuidePage() {
  const [values, setValues] = useState<Values>({
    key: 'bs_pk_…',
    surveyId: 'SV_yourSurvey',
    respondentId: '${e://Field/ResponseID}',
  });
  const set = (name: keyof Values, value: string) => setValues({ ...values, [name]: value });
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-2xl font-bold">Quick start</h1>
      <Card title="1. Make a publishable key for your survey's site">
        <p className="mb-2 text-sm">
          Enter the address your survey runs on (for Qualtrics, e.g.{' '}
          <code>https://yourorg.qualtrics.com</code>): a publishable key allowed only there is made
          now and filled into the snippet below. Keys are listed and revoked in{' '}
          <a className="text-indigo-700 underline" href="/settings">
            Settings → API keys
          </a>
          .
        </p>
        <PublishableKey
          survey={values.surveyId}
          onKey={(created) => setValues((now) => ({ ...now, key: created.key }))}
        />
      </Card>
      <Card title="2. Add the collector to the survey">
        <div className="mb-2 flex flex-wrap gap-3 text-xs text-slate-600">
          <Field label="Publishable key" name="key" value={values.key} onChange={set} />
          <Field label="Survey id" name="surveyId" value={values.surveyId} onChange={set} />
          <Field
            label="Respondent id"
            name="respondentId"
            value={values.respondentId}
            onChange={set}
          />
        </div>
        <Snippet testId="quick-start-snippet">
          {quickStart({ ...values, endpoint: origin })}
        </Snippet>
        <p className="mt-2 text-xs text-slate-500">
          For Qualtrics, <code>{'${e://Field/ResponseID}'}</code> is filled in by Qualtrics' piped
          text; elsewhere, pass your own respondent id.
        </p>
      </Card>
      <Card title="3. Read the verdict from your server">
        <Snippet>{`curl -X POST -H "Authorization: Bearer bs_sk_…" \\
  ${origin}/api/v1/detection/sessions/<session_id>/complete`}</Snippet>
        <p className="mt-2 text-sm">
          Sessions appear on the{' '}
          <a className="text-indigo-700 underline" href="/sessions">
            Sessions
          </a>{' '}
          page as they arrive. The full API is documented at{' '}
          <a className="text-indigo-700 underline" href="/docs">
            /docs
          </a>
          .
        </p>
      </Card>
    </div>
  );
}
