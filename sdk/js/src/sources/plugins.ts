import { fail } from './source';

/** How many plugins and their names (headless Chrome used to have none). */
export function plugins() {
  const list = navigator.plugins;
  if (!list) return fail('unsupported');
  const names: string[] = [];
  for (let i = 0; i < list.length && i < 20; i++) names.push(String(list[i].name).slice(0, 80));
  return { count: list.length, names };
}
