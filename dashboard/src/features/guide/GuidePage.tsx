import { Card } from '../../components/ui';

const origin = typeof window === 'undefined' ? 'http://127.0.0.1:8000' : window.location.origin;

function Snippet({ children }: { children: string }) {
  return (
    <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
      {children}
    </pre>
  );
}

export default function GuidePage() {
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-2xl font-bold">Quick start</h1>
      <Card title="1. Make a publishable key for your survey's site">
        <p className="text-sm">
          In{' '}
          <a className="text-indigo-700 underline" href="/settings">
            Settings → API keys
          </a>
          , create a <em>publishable</em> key and add the origin your survey runs on (for Qualtrics,
          e.g. <code>https://yourorg.qualtrics.com</code>).
        </p>
      </Card>
      <Card title="2. Add the collector to the survey">
        <Snippet>{`<script src="${origin}/sdk/botsieve.min.js"></script>
<script>
  Botsieve.start({
    endpoint: '${origin}',
    key: 'bs_pk_…',            // your publishable key
    surveyId: 'SV_yourSurvey',
    respondentId: '\${e://Field/ResponseID}',
  });
</script>`}</Snippet>
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
