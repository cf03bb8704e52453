/** Shorter values are not masked: they would shred ordinary words. */
const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[REDACTED]';

/** The default list, one object, so its forms and masked cards are cached too. */
const NO_SECRETS: readonly string[] = [];

/**
 * Secrets people paste that are not ours to know, by their published shapes. Each keeps what
 * says what it was (`AccountKey=`, `Bearer `) and masks the value.
 */
const PASTED_SECRET_PATTERNS: [RegExp, string][] = [
  // Storage / Service Bus / Event Hubs connection strings and SAS URLs.
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature)=[^;\s"'&]+/gi, `$1=${REDACTED}`],
  [/([?&;\s"']sig=)[^&\s"';]+/gi, `$1${REDACTED}`],
  // JWTs (Entra ID, Bot Framework tokens) and anything sent as a bearer token.
  [/\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g, REDACTED],
  [/\b(Bearer\s+)[\w.~+/=-]{16,}/gi, `$1${REDACTED}`],
  // Azure DevOps PATs: 52 base32 characters, or the 84-character format with "AZDO" at 76.
  [/\b[a-z2-7]{52}\b/g, REDACTED],
  [/\b[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}\b/g, REDACTED],
  // Entra ID client secrets (three characters, a digit and "Q~", then 31–34 more).
  [/(^|[^\w~.-])[\w~.-]{3}\dQ~[\w~.-]{31,34}/g, `$1${REDACTED}`],
  // Slack tokens and GitHub tokens.
  [/\bxox[abposre]-[\w-]{10,}/g, REDACTED],
  [/\bxapp-[\w-]{10,}/g, REDACTED],
  [/\bgh[pousr]_\w{30,}/g, REDACTED],
  // key=value / key: value for names that mean a secret.
  [
    /\b(password|passwd|pwd|client[_-]?secret|api[_-]?key|access[_-]?token|secret)(\s*[=:]\s*)[^\s;,&"']{6,}/gi,
    `$1$2${REDACTED}`,
  ],
];

/**
 * Every pattern above needs a run of 16 token characters or a secret-meaning key name: one scan
 * for either spares ordinary text (nearly every card string) the dozen pattern scans.
 */
const MIGHT_HOLD_A_SECRET =
  /[\w~.%+/=-]{16}|password|passwd|pwd|secret|api[_-]?key|access[_-]?token/i;

/** Forms per secrets list: the config's one list is turned into forms once, not per card. */
const formsByList = new WeakMap<readonly string[], string[]>();

/** Each configured secret long enough to mask, as is and as the PAT's Basic-auth form. */
function secretForms(secrets: readonly string[]): string[] {
  let forms = formsByList.get(secrets);
  if (!forms) {
    forms = secrets
      .filter((s) => s.length >= MIN_SECRET_LENGTH)
      .flatMap((s) => [s, Buffer.from(`:${s}`).toString('base64')]);
    formsByList.set(secrets, forms);
  }
  return forms;
}

function maskWith(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  // The shortest pattern match ("pwd=" and six characters) is 10 long; card labels are shorter.
  if (out.length < 10 || !MIGHT_HOLD_A_SECRET.test(out)) return out;
  for (const [pattern, replacement] of PASTED_SECRET_PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}

/**
 * Masks every configured secret value in `text` (and the PAT's Basic-auth form), then anything
 * shaped like a secret someone pasted: Azure DevOps PATs, storage keys and SAS signatures, JWTs
 * and bearer tokens, Entra client secrets, Slack and GitHub tokens. For everything that leaves
 * the bot with text a person typed (cards, Azure DevOps comments, lock reasons, the audit log);
 * mask before clipping, or a cut secret escapes its pattern.
 * @example maskSecrets(`help ${pat}`, config.secrets) // 'help [REDACTED]'
 */
export function maskSecrets(text: string, secrets: readonly string[] = NO_SECRETS): string {
  return maskWith(text, secretForms(secrets));
}

/** Masked frozen data by secrets list: the same shared card data (plain `help`) is masked once. */
const maskedFrozen = new WeakMap<readonly string[], WeakMap<object, unknown>>();

/**
 * `maskSecrets` over every string in a JSON-like value (card data), keys untouched. What holds
 * nothing to mask comes back as the very same object (copied only along a path that changed),
 * so frozen data shared by every reply keeps its identity, which the card renderer's cache
 * recognises; frozen data is masked once per secrets list.
 * @example maskDeep(reply.data, config.secrets)
 */
export function maskDeep<T>(value: T, secrets: readonly string[] = NO_SECRETS): T {
  const frozen = value !== null && typeof value === 'object' && Object.isFrozen(value);
  let cache: WeakMap<object, unknown> | undefined;
  if (frozen) {
    cache = maskedFrozen.get(secrets);
    if (!cache) maskedFrozen.set(secrets, (cache = new WeakMap()));
    if (cache.has(value)) return cache.get(value) as T;
  }
  const forms = secretForms(secrets);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskWith(v, forms);
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((x: unknown, i) => {
        const masked = walk(x);
        if (masked !== x) (out ??= [...v])[i] = masked;
      });
      return out ?? v;
    }
    if (v !== null && typeof v === 'object') {
      const source = v as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      for (const k of Object.keys(source)) {
        const masked = walk(source[k]);
        if (masked !== source[k]) (out ??= { ...source })[k] = masked;
      }
      return out ?? v;
    }
    return v;
  };
  const masked = walk(value) as T;
  if (cache) cache.set(value as object, masked);
  return masked;
}
