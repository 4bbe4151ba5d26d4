// The reconciliation export as one file: every page of GET /api/v1/surveys/{id}/responses,
// followed by its X-Next-Cursor, joined (the CSV header kept once), saved by the browser.

/** The export's URL; a Decipher survey path keeps its slashes (the route takes a path). */
export function exportUrl(survey: string, format: 'csv' | 'jsonl', cursor?: string): string {
  const path = survey.split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams({ format, limit: '5000' });
  if (cursor) query.set('cursor', cursor);
  return `/api/v1/surveys/${path}/responses?${query}`;
}

/** Joins pages: each CSV page repeats the header line, which only the first keeps. */
export function joinPages(pages: string[], format: 'csv' | 'jsonl'): string {
  if (format === 'jsonl') return pages.join('');
  return pages.map((page, i) => (i === 0 ? page : page.slice(page.indexOf('\r\n') + 2))).join('');
}

export async function fetchAllPages(
  survey: string,
  format: 'csv' | 'jsonl',
  fetcher: typeof fetch = fetch,
): Promise<string> {
  const pages: string[] = [];
  let cursor: string | undefined;
  do {
    const response = await fetcher(exportUrl(survey, format, cursor), {
      credentials: 'same-origin',
    });
    if (!response.ok) throw new Error(`export: HTTP ${response.status}`);
    pages.push(await response.text());
    cursor = response.headers.get('X-Next-Cursor') ?? undefined;
  } while (cursor);
  return joinPages(pages, format);
}

export function saveAs(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
