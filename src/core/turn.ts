import type { CardActionResult, CardActionSpec } from '../actions/card-actions';
import type { Actor } from '../auth/actor';
import type { CommandContext } from '../commands/command-spec';
import { messageReply } from '../commands/message-reply';
import type { Reply } from '../commands/reply';
import type { AuditRecord } from '../store/store';

/** The chat platforms a transport turns into turns. */
export type Platform = 'teams' | 'slack';

/** A card button click, already parsed and validated against its action spec by the transport. */
export interface CardClick {
  spec: CardActionSpec<never>;
  /** The click's data, valid for `spec.data`. */
  data: unknown;
  /** The signature the card carried (checked by the card-token middleware). */
  token: unknown;
  /** A click the platform retried after a sign-in: what to exchange for the person's token. */
  signIn?: { ssoToken?: string; magicCode?: string };
}

/**
 * Acting as the person, as far as the pipeline needs it; the transport implements it with its
 * platform's sign-in (Teams: the Bot Framework token service and OAuth cards).
 */
export interface TurnSignIn {
  actAsPerson(userToken?: string): CommandContext['actAsPerson'];
  /** The person's token from what a retried click carries; undefined when it did not work. */
  tokenFor(signIn: NonNullable<CardClick['signIn']>): Promise<string | undefined>;
  /** Forgets the person's token (Entra ID refused it), so the next sign-in yields a fresh one. */
  signOut(): Promise<void>;
  /** The answer to a message that must wait for a sign-in: remembers it, shows the sign-in card. */
  askForMessage(
    pending: { text: string; activityId?: string },
    prompt: string,
  ): Promise<TurnAnswer>;
  /** The answer to a click that must wait for a sign-in (Teams: a login request). */
  askForClick(prompt: string): Promise<TurnAnswer>;
}

/** What the transport can do for the pipeline; everything is optional. */
export interface TurnCapabilities {
  /** The sender's UPN when the platform can look it up (Teams: one member lookup). */
  lookUpUpn?(): Promise<string | undefined>;
  /**
   * Sends a message's answer (and a click's extra messages) in the turn; the delivery is done
   * only once this resolved. A click's own answer goes back as the platform's response.
   */
  deliver?(answer: TurnAnswer): Promise<void>;
  /** Keeps the conversation's reference fresh for proactive messages. */
  rememberConversation?(): Promise<void>;
  signIn?: TurnSignIn;
}

/**
 * What the pipeline answers; the transport turns it into its platform's messages.
 * `platform` is an answer only that transport understands (e.g. Teams' OAuth card).
 */
export type TurnAnswer =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'card'; result: Extract<CardActionResult, { ok: true }> }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'platform'; payload: unknown }
  | { kind: 'none' };

/**
 * One thing a person did in chat, platform-neutral: a message or a card click. Transports build
 * it; middlewares read it and fill in what they learn (the command context, audit records, the
 * answer). No SDK type appears here.
 * @example
 *   const turn = newTurn({ platform: 'teams', kind: 'message', deliveryId: activity.id,
 *     actor, conversation, tenantIds: [tid], text: 'help', capabilities: {} });
 *   const answer = await pipeline(turn);
 */
export interface Turn {
  platform: Platform;
  kind: 'message' | 'cardAction';
  /** The platform's id of this delivery (Teams: the activity id); a retry repeats it. */
  deliveryId?: string;
  actor: Actor;
  conversation: CommandContext['conversation'];
  /** Every tenant id the platform names for the sender (they must agree). */
  tenantIds: readonly unknown[];
  /** A message's text (mentions already stripped by the platform or the parser). */
  text?: string;
  click?: CardClick;
  capabilities: TurnCapabilities;
  /** A message that waited for a sign-in and runs now: never asks for a sign-in again. */
  resumed?: boolean;
  /** The person's token, when the turn comes right after a sign-in. */
  userToken?: string;
  /** The delivery id the command's effects are keyed on, when not this turn's (a resumed message). */
  effectId?: string;

  // Filled in on the way through the pipeline.
  /** The delivery came again after the instance that took it crashed. */
  redelivered?: boolean;
  /** What handlers see; built by the identity middleware. */
  ctx?: CommandContext;
  /** The command or click verb, for metrics and audit ('unknown' for text that parses to none). */
  command?: string;
  /** Audit records the delivery writes together with its done mark. */
  audit: AuditRecord[];
  /** Nothing happened: a retry of this delivery must run again (a pending sign-in, a refused click). */
  undone?: boolean;
  answer?: TurnAnswer;
  /** The answer went out (`respond`). */
  answered?: boolean;
}

/** One cross-cutting concern: does its part, then `next()` (or answers and does not call it). */
export type TurnMiddleware = (turn: Turn, next: () => Promise<void>) => Promise<void>;

/** A turn with the fields middlewares fill in left empty. */
export function newTurn(init: Omit<Turn, 'audit'>): Turn {
  return { ...init, audit: [] };
}

/** The context handlers see, once the identity middleware built it. */
export function contextOf(turn: Turn): CommandContext {
  if (!turn.ctx) throw new Error('the turn has no command context yet (identity runs first)');
  return turn.ctx;
}

/** Sends the turn's answer through the transport, once. */
export async function respond(turn: Turn): Promise<void> {
  if (!turn.answer || turn.answered) return;
  turn.answered = true;
  await turn.capabilities.deliver?.(turn.answer);
}

/** What a refusal answers: a message card for a message, a status for a click. */
export function refusal(
  turn: Turn,
  status: number,
  card: Parameters<typeof messageReply>,
  clickMessage = card[2],
): TurnAnswer {
  return turn.kind === 'message'
    ? { kind: 'reply', reply: messageReply(...card) }
    : { kind: 'refused', status, message: clickMessage };
}
