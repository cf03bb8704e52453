/** Largest epoch-ms value that keeps 15 digits (year 33658), so string order = number order. */
export const MAX_TIME = 999_999_999_999_999;

/**
 * Zero-pads a non-negative integer so that string comparison orders like numbers
 * (Table Storage sorts and filters keys and string properties lexically).
 * @example sortable(42, 5) === '00042'
 */
export function sortable(n: number, digits = 15): string {
  return String(Math.max(0, Math.trunc(n))).padStart(digits, '0');
}
