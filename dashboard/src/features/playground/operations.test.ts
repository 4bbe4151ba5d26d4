import { describe, expect, it } from 'vitest';
import { buildUrl, operations } from './operations';

const schema = {
  paths: {
    '/api/v1/keys/{key_id}': {
      delete: { tags: ['settings'], parameters: [{ name: 'key_id', in: 'path' }] },
    },
    '/api/v1/dashboard/sessions': {
      get: {
        tags: ['dashboard'],
        summary: 'Sessions',
        parameters: [
          { name: 'risk', in: 'query' },
          { name: 'q', in: 'query' },
        ],
      },
    },
  },
};

describe('playground operations', () => {
  it('lists every operation from the schema, grouped by tag', () => {
    expect(operations(schema).map((o) => o.id)).toEqual([
      'GET /api/v1/dashboard/sessions',
      'DELETE /api/v1/keys/{key_id}',
    ]);
  });

  it('fills path parameters and leaves out empty query values', () => {
    const [list, revoke] = operations(schema);
    expect(buildUrl(list, { risk: 'high', q: '' })).toBe('/api/v1/dashboard/sessions?risk=high');
    expect(buildUrl(revoke, { key_id: 'a b' })).toBe('/api/v1/keys/a%20b');
  });
});
