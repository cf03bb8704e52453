import type { Store } from '../src/store/store';

/** Store calls by method name (`get`, `put`, `putAndAudit`, …). */
export type StoreCalls = Record<string, number>;

/**
 * Wraps a store to count the calls made on it from outside (its own internal calls are not
 * counted), so the benchmark can say how many store calls a command costs.
 * @example const { store, calls } = countingStore(inner); …; calls.put // puts so far
 */
export function countingStore<S extends Store>(inner: S): { store: S; calls: StoreCalls } {
  const calls: StoreCalls = {};
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}
