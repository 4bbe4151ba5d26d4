/** Small helpers shared by recorders and sources; nothing here runs at import. */

export type Detach = () => void;

/** Attach a passive, capturing listener whose errors never reach the page. */
export function listen<E extends Event>(
  target: EventTarget,
  type: string,
  handler: (event: E) => void,
  onError?: (error: unknown) => void,
): Detach {
  const wrapped = (event: Event) => {
    try {
      handler(event as E);
    } catch (error) {
      onError?.(error);
    }
  };
  const options = { capture: true, passive: true };
  target.addEventListener(type, wrapped, options);
  return () => target.removeEventListener(type, wrapped, options);
}

/**
 * Keep only the latest call per animation frame: `push(x)` stores x, and `flush(x)` runs once
 * on the next frame with the last x (a timer stands in where frames do not run).
 */
export function perFrame<T>(
  run: (latest: T) => void,
  onError: (error: unknown) => void,
): { push(value: T): void; cancel(): void } {
  let latest: T | undefined;
  let pending = false;
  let handle: number | undefined;
  const fire = () => {
    pending = false;
    const value = latest as T;
    latest = undefined;
    try {
      run(value);
    } catch (error) {
      onError(error);
    }
  };
  return {
    push(value) {
      latest = value;
      if (pending) return;
      pending = true;
      handle =
        typeof requestAnimationFrame === 'function'
          ? requestAnimationFrame(fire)
          : (setTimeout(fire, 16) as unknown as number);
    },
    cancel() {
      if (!pending) return;
      if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(handle as number);
      clearTimeout(handle);
      pending = false;
    },
  };
}

export const round1 = (value: number): number => Math.round(value * 10) / 10;

export const clamp = (value: number, low: number, high: number): number =>
  value < low ? low : Math.min(value, high);

/** Page coordinates within the range the service accepts. */
export const coord = (value: number): number => clamp(round1(value || 0), -100000, 1000000);

/** A short id for a form field: its id, else its name, else its tag. Never its value. */
export function fieldId(target: EventTarget | null): string | undefined {
  if (!target || !(target as Element).tagName) return undefined;
  const element = target as Element;
  const id = element.id || element.getAttribute('name') || element.tagName.toLowerCase();
  return id.slice(0, 64);
}

/** The length of a text field's content, or undefined for anything that is not one. */
export function textLength(target: EventTarget | null): number | undefined {
  const element = target as HTMLInputElement | null;
  if (!element?.tagName) return undefined;
  const tag = element.tagName;
  if (tag === 'TEXTAREA') return element.value.length;
  if (tag === 'INPUT') {
    return /^(text|search|email|url|tel|password|number)$/.test(element.type)
      ? element.value.length
      : undefined;
  }
  return (element as unknown as HTMLElement).isContentEditable
    ? (element.textContent || '').length
    : undefined;
}

export function randomId(length: number): string {
  let id = '';
  while (id.length < length) id += Math.random().toString(36).slice(2);
  return id.slice(0, length);
}
