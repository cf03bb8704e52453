/**
 * Keeps echoed input short. Echoes sit in a code span (`…`), where Markdown leaves `_`, `*` and
 * `[` as typed: `BAD_Name` stays `BAD_Name`, `[QA]-Deploy` stays `[QA]-Deploy`. Only what would
 * still break the card is replaced: a backtick (it ends the span) and angle brackets (Teams drops
 * what looks like a tag, even there), with look-alikes.
 */
export function clip(word: string, max = 40): string {
  const clean = word.replace(/`/g, "'").replace(/</g, '‹').replace(/>/g, '›');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
