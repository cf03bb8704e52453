/** Longest message the parser reads; anything longer gets a usage error, not a parse. */
export const MAX_MESSAGE_LENGTH = 1000;
/** Most words a command may have (parameters included). */
export const MAX_WORDS = 24;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Turns what Teams delivers into plain words: strips `<at>…</at>` mentions of the bot, other
 * HTML tags Teams wraps text in, decodes the common entities, and folds whitespace.
 * @example normalizeText('<at>DigitRE</at> deploy&nbsp;prod') // 'deploy prod'
 */
export function normalizeText(raw: string): string {
  return (
    raw
      .slice(0, MAX_MESSAGE_LENGTH * 4)
      .replace(/<at>[^<]*<\/at>/gi, ' ')
      .replace(/<[^>]{0,200}>/g, ' ')
      .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? ' ')
      .replace(/[\u200B-\u200D\uFEFF]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      // A plain-text mention (`@DigitRE status`) and a question mark (`status?`) are not part of the command.
      .replace(/^@\S+\s*/, '')
      .replace(/(?<=[^?!\s])[?!]+$/, '')
      .trim()
  );
}
