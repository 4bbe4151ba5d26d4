// The session list's filters live in the URL, so a filtered view can be shared and reloaded.
export const FILTER_KEYS = [
  'range',
  'survey_id',
  'platform',
  'verdict',
  'risk',
  'flag',
  'label',
  'q',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export const RANGE_DAYS: Record<string, number | null> = {
  '24h': 1,
  '7d': 7,
  '30d': 30,
  all: null,
};

export function readFilters(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** The API query for these filters (a time range becomes `since`, rounded to the minute). */
export function toQuery(filters: Filters, now = Date.now()): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (key === 'range') {
      const days = RANGE_DAYS[value];
      if (days)
        query.since = new Date(
          Math.floor((now - days * 86_400_000) / 60_000) * 60_000,
        ).toISOString();
    } else if (value) query[key] = value;
  }
  return query;
}
