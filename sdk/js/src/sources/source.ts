/**
 * A source reads one signal of the environment. It returns the value (or a promise of it) or
 * throws a `SourceFailure`; anything else it throws becomes `threw: <message>`. In the record a
 * failure stands in place of the value as `{"error": "<reason>"}`.
 */
export type Source = () => unknown;

export type FailureReason = 'unsupported' | 'timeout' | 'blocked' | `threw: ${string}`;

export class SourceFailure extends Error {
  constructor(readonly reason: FailureReason) {
    super(reason);
  }
}

export function fail(reason: FailureReason): never {
  throw new SourceFailure(reason);
}

/** The navigator, typed loosely: several signals read fields some browsers lack. */
export const nav = (): Navigator & Record<string, unknown> =>
  navigator as Navigator & Record<string, unknown>;

/** Read a navigator field, failing with `unsupported` where the browser does not have it. */
export function navField(name: string): unknown {
  const value = nav()[name];
  return value === undefined ? fail('unsupported') : value;
}
