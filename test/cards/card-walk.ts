/** Helpers to look inside rendered card JSON. */

export interface ExecuteAction {
  type: 'Action.Execute';
  verb: string;
  title?: string;
  data?: Record<string, unknown>;
}

/** Every object in the tree, depth first. */
export function allObjects(
  value: unknown,
  out: Record<string, unknown>[] = [],
): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    for (const v of value) allObjects(v, out);
  } else if (value !== null && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) allObjects(v, out);
  }
  return out;
}

/** Every string in the tree. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allStrings(v, out);
    }
  }
  return out;
}

export function executeActions(value: unknown): ExecuteAction[] {
  return allObjects(value).filter(
    (o) => o['type'] === 'Action.Execute',
  ) as unknown as ExecuteAction[];
}

/** Verbs of the card's own buttons (not the refresh action). */
export function buttonVerbs(card: { actions?: unknown[] }): string[] {
  return executeActions(card.actions ?? []).map((a) => a.verb);
}

/** All TextBlock/FactSet text, joined, for "does the card say X" checks. */
export function visibleText(card: unknown): string {
  const parts: string[] = [];
  for (const o of allObjects(card)) {
    if (o['type'] === 'TextBlock' && typeof o['text'] === 'string') parts.push(o['text']);
    // A RichTextBlock reads as one line: its runs side by side.
    if (o['type'] === 'RichTextBlock' && Array.isArray(o['inlines'])) {
      parts.push(
        (o['inlines'] as unknown[])
          .map((r) => (typeof r === 'string' ? r : String((r as { text?: unknown }).text ?? '')))
          .join(''),
      );
    }
    if (typeof o['title'] === 'string' && typeof o['value'] === 'string') {
      parts.push(`${o['title']}: ${o['value']}`);
    }
  }
  return parts.join('\n');
}
