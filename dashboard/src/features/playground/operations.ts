// The service's operations, read from its OpenAPI schema, and the request one of them makes.
export interface Operation {
  id: string;
  method: string;
  path: string;
  summary: string;
  tag: string;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        summary?: string;
        tags?: string[];
        parameters?: { name: string; in: string }[];
        requestBody?: unknown;
      }
    >
  >;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operations(schema: OpenApi): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(schema.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = op.parameters ?? [];
      out.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        tag: op.tags?.[0] ?? 'other',
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        hasBody: !!op.requestBody,
      });
    }
  }
  return out.sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path));
}

/** The URL for an operation, with its path parameters filled in and empty query values left out. */
export function buildUrl(op: Operation, values: Record<string, string>): string {
  let url = op.path;
  for (const name of op.pathParams)
    url = url.replace(`{${name}}`, encodeURIComponent(values[name] ?? ''));
  const query = new URLSearchParams();
  for (const name of op.queryParams) if (values[name]) query.set(name, values[name]);
  const qs = query.toString();
  return qs ? `${url}?${qs}` : url;
}
