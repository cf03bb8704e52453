import { maskSecrets } from '../auth/mask-secrets';

/**
 * Keeps echoed input short and free of markdown that could break a card. Anything shaped like a
 * secret is masked first: clipped, a pasted PAT would no longer look like one.
 */
export function clip(word: string, max = 40): string {
  const clean = maskSecrets(word).replace(/[`*_[\]<>]/g, '');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
