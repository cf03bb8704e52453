/**
 * Freezes an object and everything in it: card data and cards that are built once and shared
 * by every reply that sends them must not be changed by any one of those replies.
 * @example const shared = deepFreeze(renderCard('help', data));
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
