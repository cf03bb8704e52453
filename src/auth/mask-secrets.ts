/** Shorter values are not masked: they would shred ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * Replaces every configured secret value in `text` (and the PAT's Basic-auth form) with
 * `[REDACTED]`: for anything a person typed that is stored or echoed (audit details, card text),
 * the way the logger already masks log lines.
 * @example maskSecrets(`help ${pat}`, config.secrets) // 'help [REDACTED]'
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    for (const form of [s, Buffer.from(`:${s}`).toString('base64')]) {
      out = out.split(form).join('[REDACTED]');
    }
  }
  return out;
}
