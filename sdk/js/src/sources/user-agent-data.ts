import { fail, nav } from './source';

interface UADataLike {
  brands: { brand: string; version: string }[];
  mobile: boolean;
  platform: string;
  getHighEntropyValues?: (hints: string[]) => Promise<Record<string, unknown>>;
}

/** User-agent client hints, with the high-entropy ones the browser grants. */
export async function userAgentData(): Promise<Record<string, unknown>> {
  const data = nav().userAgentData as UADataLike | undefined;
  if (!data) return fail('unsupported');
  const base = { brands: data.brands, mobile: data.mobile, platform: data.platform };
  const high = data.getHighEntropyValues
    ? await data.getHighEntropyValues([
        'architecture',
        'bitness',
        'model',
        'platformVersion',
        'fullVersionList',
      ])
    : {};
  return { ...high, ...base };
}
