import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store';
import { CodedError } from '../errors/coded-error';

/** The ids a button carries; the token binds them to one conversation. */
export interface SignedIds {
  runId?: number;
  approvalId?: string;
  confirmationId?: string;
}

/** The signing key could not be read or created (the store kept refusing the write). */
export class CardSigningKeyError extends CodedError<'signingKeyUnavailable'> {}

/**
 * Signs the ids in card buttons so a click cannot be forged or replayed into another
 * conversation: token = HMAC(key, conversation | ids). The key lives in the store, so every
 * replica (and the bot after a restart) verifies the cards the others posted.
 * @example const signer = await CardSigner.load(store); data.token = signer.sign(conversationId, { runId: 42 });
 */
export class CardSigner {
  private constructor(private readonly key: Buffer) {}

  static async load(store: Store): Promise<CardSigner> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await store.get<{ key: string }>('settings', 'card-signing-key');
      if (doc) return new CardSigner(Buffer.from(doc.value.key, 'base64'));
      const key = randomBytes(32);
      const put = await store.put(
        'settings',
        'card-signing-key',
        { key: key.toString('base64') },
        { etag: null },
      );
      if (put.ok) return new CardSigner(key);
    }
    throw new CardSigningKeyError(
      'signingKeyUnavailable',
      'could not create the card signing key in the store: it kept refusing the write; check the store and restart the bot',
    );
  }

  sign(conversationId: string, ids: SignedIds): string {
    const message = [
      conversationId,
      ids.runId ?? '',
      ids.approvalId ?? '',
      ids.confirmationId ?? '',
    ].join('|');
    return createHmac('sha256', this.key).update(message).digest('base64url').slice(0, 32);
  }

  verify(conversationId: string, ids: SignedIds, token: unknown): boolean {
    if (typeof token !== 'string' || token.length !== 32) return false;
    const expected = Buffer.from(this.sign(conversationId, ids));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * Adds a token to every button's data in a card's data (`cancelData`, `approveData`,
 * `confirmData`, `refreshData`, …): any nested object carrying run/approval/confirmation ids.
 * Copy-on-write: parts without button data come back as they are (the same objects), so a card
 * without buttons (help, usage) costs a walk and no copy.
 * @example render({ ...reply, data: signCardData(reply.data, conversation.id, signer) })
 */
export function signCardData<T>(data: T, conversationId: string, signer: CardSigner): T {
  if (Array.isArray(data)) {
    let out: unknown[] | undefined;
    data.forEach((d: unknown, i) => {
      const signed = signCardData(d, conversationId, signer);
      if (signed !== d) (out ??= [...data])[i] = signed;
    });
    return (out ?? data) as T;
  }
  if (!data || typeof data !== 'object') return data;
  const source = data as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(source)) {
    const v = source[k];
    const signed = signCardData(v, conversationId, signer);
    if (signed !== v) (out ??= { ...source })[k] = signed;
  }
  const ids = idsOf(source);
  if (ids && isButtonData(source)) {
    (out ??= { ...source }).token = signer.sign(conversationId, ids);
  }
  return (out ?? data) as T;
}

/** Only button data objects get tokens: they carry ids and nothing else but `token`. */
function isButtonData(o: Record<string, unknown>): boolean {
  return Object.keys(o).every((key) =>
    ['runId', 'approvalId', 'confirmationId', 'token'].includes(key),
  );
}

export function idsOf(o: Record<string, unknown>): SignedIds | undefined {
  const ids: SignedIds = {};
  if (typeof o.runId === 'number') ids.runId = o.runId;
  if (typeof o.approvalId === 'string') ids.approvalId = o.approvalId;
  if (typeof o.confirmationId === 'string') ids.confirmationId = o.confirmationId;
  return Object.keys(ids).length > 0 ? ids : undefined;
}
