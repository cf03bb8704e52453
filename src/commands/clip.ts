import { maskSecrets } from '../text/mask-secrets';

/**
 * Keeps echoed input short. Anything shaped like a secret is masked first: clipped, a pasted PAT
 * would no longer look like one. Echoes sit in a code span (`…`), where Markdown leaves `_`, `*`
 * and `[` as typed: `BAD_Name` stays `BAD_Name`, `[QA]-Deploy` stays `[QA]-Deploy`. Only what
 * would still break the card is replaced: a backtick (it ends the span) and angle brackets (Teams
 * drops what looks like a tag, even there), with look-alikes.
 */
export function clip(word: string, max = 40): string {
  const clean = maskSecrets(word).replace(/`/g, "'").replace(/</g, '‹').replace(/>/g, '›');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
