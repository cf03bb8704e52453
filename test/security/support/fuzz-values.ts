// Seedable random values for the fuzz tests: nasty strings and keys, nested objects with own
// `__proto__`/`constructor` properties, and one-field mutations of a realistic body.

/** mulberry32: small, seedable, good enough to spread cases; failures are reproducible. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof prng>;

export const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '$root',
  '${x}',
];
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u202d',
  '\uD800',
  '\uFEFF',
  '𝔰𝔱𝔞𝔱𝔲𝔰',
  'ﬁ ß İ ı',
  '👩‍👩‍👧‍👦🚀',
  'e\u0301\u0301\u0301\u0301',
  '<at>DigitRE</at>',
  '${7*7} {{constructor.constructor("x")()}}',
  '"; DROP TABLE runs; --',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  'javascript:alert(1)',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: x=y',
  'NaN',
  '-1',
  '9007199254740993',
  '1e309',
];
export const NUMBERS = [0, -1, 1.5, 2 ** 53 + 1, -(2 ** 31), Number.MAX_VALUE, 1e-300];

export function randomString(r: Rng): string {
  const roll = r.int(10);
  if (roll < 4) return r.pick(NASTY_STRINGS);
  if (roll < 8) {
    let s = '';
    const len = r.int(40);
    for (let i = 0; i < len; i++)
      s += String.fromCodePoint(r.chance(0.7) ? 32 + r.int(95) : r.int(0x10ffff + 1) & 0xffff);
    return s;
  }
  if (roll < 9) return r.pick(NASTY_STRINGS).repeat(1 + r.int(2000));
  return 'x'.repeat(r.chance(0.2) ? 120_000 : 5_000);
}

export function randomValue(r: Rng, depth = 0): unknown {
  const roll = r.int(depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick(NUMBERS);
    case 3:
    case 4:
    case 5:
      return randomString(r);
    case 6:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default:
      return randomObject(r, depth + 1);
  }
}

/** Objects with own `__proto__`/`constructor` keys (computed keys make real properties). */
export function randomObject(r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = r.int(5);
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.4) ? r.pick(NASTY_KEYS) : randomString(r).slice(0, 30);
    Object.defineProperty(o, key, {
      value: r.chance(0.3) ? { polluted: 'yes', isAdmin: true } : randomValue(r, depth + 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return o;
}

/** Deletes, retypes or replaces one field (a path into the object). */
export function mutate(
  r: Rng,
  base: Record<string, unknown>,
  fields: string[][],
  safe: Record<string, unknown[]>,
): void {
  const path = r.pick(fields);
  let target: Record<string, unknown> = base;
  for (const k of path.slice(0, -1)) {
    const next = target[k];
    if (!next || typeof next !== 'object') return;
    target = next as Record<string, unknown>;
  }
  const key = path[path.length - 1]!;
  const choices = safe[path.join('.')];
  const roll = r.int(4);
  if (choices) target[key] = r.pick(choices);
  else if (roll === 0) delete target[key];
  else if (roll === 1) target[key] = randomValue(r);
  else if (roll === 2) target[key] = randomObject(r);
  else
    Object.defineProperty(target, r.pick(NASTY_KEYS), {
      value: randomValue(r),
      enumerable: true,
      configurable: true,
      writable: true,
    });
}
