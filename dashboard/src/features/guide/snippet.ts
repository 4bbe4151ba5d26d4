// The collector snippet, from the one template the docs quote (docs/snippets/quick-start.html).
import template from '../../../../docs/snippets/quick-start.html?raw';

export interface SnippetValues {
  endpoint: string;
  key: string;
  surveyId: string;
  respondentId: string;
}

/** The template filled in; values are JSON-string-escaped so a quote cannot break the script. */
export function quickStart(values: SnippetValues): string {
  return template.replace(/\{\{(endpoint|key|surveyId|respondentId)\}\}/g, (_, name) =>
    JSON.stringify(values[name as keyof SnippetValues]).slice(1, -1),
  );
}
