// A strict reading of docs/events.md, used by the mock service so that the browser tests fail
// when the collector sends anything the real service would refuse with 422.
const num =
  (low = -Infinity, high = Infinity) =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= low && v <= high;
const int =
  (low = -Infinity, high = Infinity) =>
  (v) =>
    Number.isInteger(v) && v >= low && v <= high;
const bool = (v) => typeof v === 'boolean';
const str = (max) => (v) => typeof v === 'string' && v.length <= max;
const oneOf =
  (...values) =>
  (v) =>
    values.includes(v);
const coord = num(-100000, 1000000);
const KEY = oneOf(
  'letter',
  'digit',
  'space',
  'backspace',
  'enter',
  'modifier',
  'navigation',
  'other',
);
const point = { x: [coord, true], y: [coord, true] };
const touch = { ...point, id: [int(), false], force: [num(0, 1), false] };

export const FIELDS = {
  mousemove: point,
  mousedown: { ...point, button: [int(0, 4), true] },
  mouseup: { ...point, button: [int(0, 4), true] },
  click: {
    ...point,
    button: [int(0, 4), true],
    dx: [num(), false],
    dy: [num(), false],
    w: [num(0), false],
    h: [num(0), false],
  },
  wheel: { dx: [num(), true], dy: [num(), true], x: [coord, false], y: [coord, false] },
  scroll: point,
  keydown: { key: [KEY, true], pos: [int(-1, 255), false], repeat: [bool, false] },
  keyup: { key: [KEY, true], pos: [int(-1, 255), false], repeat: [bool, false] },
  input: { input_type: [str(40), true], delta: [int(), true], field: [str(64), false] },
  paste: { length: [int(0), true], field: [str(64), false] },
  copy: { length: [int(0), true], field: [str(64), false] },
  focus: { target: [str(64), false] },
  blur: { target: [str(64), false] },
  visibilitychange: { state: [oneOf('visible', 'hidden'), true] },
  resize: { w: [num(), true], h: [num(), true] },
  touchstart: touch,
  touchmove: touch,
  touchend: touch,
  page: { mark: [str(128), true], phase: [oneOf('shown', 'submitted'), true] },
};

/** Problems of one batch's events, as `["events", i, field]: reason` strings; empty if valid. */
export function problems(events) {
  const found = [];
  if (!Array.isArray(events) || events.length < 1 || events.length > 5000) {
    return ['events: 1 to 5000 events'];
  }
  let latest = -Infinity;
  events.forEach((event, i) => {
    const fields = FIELDS[event.type];
    if (!fields) {
      found.push(`events.${i}.type: unknown ${event.type}`);
      return;
    }
    if (!num(0, 86400000)(event.t)) found.push(`events.${i}.t: out of range ${event.t}`);
    if (event.t < latest - 1000) found.push(`events.${i}.t: goes back ${latest - event.t} ms`);
    latest = Math.max(latest, event.t);
    if ('trusted' in event && !bool(event.trusted)) found.push(`events.${i}.trusted`);
    for (const [name, value] of Object.entries(event)) {
      if (name === 'type' || name === 't' || name === 'trusted') continue;
      if (!fields[name]) found.push(`events.${i}.${name}: unknown field`);
      else if (!fields[name][0](value)) found.push(`events.${i}.${name}: bad value ${value}`);
    }
    for (const [name, [, required]] of Object.entries(fields)) {
      if (required && !(name in event)) found.push(`events.${i}.${name}: missing`);
    }
  });
  return found;
}
