import { describe, expect, it } from 'vitest';
import { exportUrl, fetchAllPages, joinPages } from './download';

describe('the reconciliation download', () => {
  it('keeps a Decipher survey path as a path and encodes each part', () => {
    expect(exportUrl('selfserve/9d3/proj 1', 'csv')).toBe(
      '/api/v1/surveys/selfserve/9d3/proj%201/responses?format=csv&limit=5000',
    );
    expect(exportUrl('SV_1', 'jsonl', '42')).toContain('format=jsonl&limit=5000&cursor=42');
  });

  it('keeps the CSV header once when it joins pages', () => {
    const pages = ['a,b\r\n1,2\r\n', 'a,b\r\n3,4\r\n'];
    expect(joinPages(pages, 'csv')).toBe('a,b\r\n1,2\r\n3,4\r\n');
    expect(joinPages(['{"a":1}\n', '{"a":2}\n'], 'jsonl')).toBe('{"a":1}\n{"a":2}\n');
  });

  it('follows X-Next-Cursor until the last page', async () => {
    const asked: string[] = [];
    const pages: Record<string, [string, string | null]> = {
      '': ['h\r\n1\r\n', '7'],
      '7': ['h\r\n2\r\n', null],
    };
    const fetcher = (async (url: string) => {
      asked.push(url);
      const cursor = new URL(url, 'http://x').searchParams.get('cursor') ?? '';
      const [body, next] = pages[cursor];
      return new Response(body, { headers: next ? { 'X-Next-Cursor': next } : {} });
    }) as typeof fetch;
    expect(await fetchAllPages('SV_1', 'csv', fetcher)).toBe('h\r\n1\r\n2\r\n');
    expect(asked).toHaveLength(2);
  });

  it('reports a refused page instead of saving half a file', async () => {
    const fetcher = (async () => new Response('', { status: 403 })) as typeof fetch;
    await expect(fetchAllPages('SV_1', 'csv', fetcher)).rejects.toThrow('HTTP 403');
  });
});
