/** Levenshtein distance, bounded: stops early once every path exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest known words to what was typed (a typo, a transposition, a prefix), best first.
 * @example didYouMean('hlep', ['help', 'status']) // ['help']
 */
export function didYouMean(word: string, candidates: readonly string[], limit = 3): string[] {
  const w = word.toLowerCase().slice(0, 64);
  if (w.length === 0) return [];
  const max = w.length <= 3 ? 1 : w.length <= 6 ? 2 : 3;
  const scored: { c: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    let d = editDistance(w, c, max);
    // A clear prefix ("stat" for "status", "cust" for "custom-qa") is as good as a typo.
    if (d > max && w.length >= 3 && c.startsWith(w)) d = max;
    if (d <= max) scored.push({ c, d });
  }
  return scored
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((s) => s.c);
}
