/** Keeps echoed input short and free of markdown that could break a card. */
export function clip(word: string, max = 40): string {
  const clean = word.replace(/[`*_[\]<>]/g, '');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
