import type { InvokeResponse, TurnContext } from 'botbuilder';
import { messageReply } from '../commands/message-reply';
import type { Reply } from '../commands/reply';
import type { DeliveryLedger } from '../core/delivery-ledger';
import { once } from '../store/once';
import type { Store } from '../store/store';
import { deliveryIdOf } from './actor-from-activity';
import type { PendingCommand, PersonSignIn } from './person-sign-in';

/** How long an SSO exchange id is remembered (Teams sends it from every signed-in device). */
const EXCHANGE_DEDUPE_MS = 24 * 60 * 60 * 1000;

export interface SignInInvokesOptions {
  signIn: PersonSignIn;
  store: Store;
  ledger: DeliveryLedger;
  /** Answers in this turn (through the publisher). */
  say(context: TurnContext, reply: Reply): Promise<void>;
  /** Runs the message that waited for this sign-in, as the person, through the turn pipeline. */
  resume(context: TurnContext, text: string, userToken: string, activityId?: string): Promise<void>;
}

/**
 * Teams' answers to a sign-in card: `signin/verifyState` (the sign-in button's magic code) and
 * `signin/tokenExchange` (single sign-on). Either runs the command that waited for it, once.
 * @example const response = await invokes.answer(context); // undefined: not a sign-in invoke
 */
export class SignInInvokes {
  constructor(private readonly opts: SignInInvokesOptions) {}

  answer(context: TurnContext): Promise<InvokeResponse> | undefined {
    switch (context.activity.name) {
      case 'signin/verifyState':
        return this.verifyState(context);
      case 'signin/tokenExchange':
        return this.tokenExchange(context);
      default:
        return undefined;
    }
  }

  /** Teams' sign-in button finished: `value.state` is the magic code for the token service. */
  private async verifyState(context: TurnContext): Promise<InvokeResponse> {
    const state = (context.activity.value as { state?: unknown } | undefined)?.state;
    if (typeof state !== 'string' || state.length === 0 || state.length > 200) {
      return { status: 400 };
    }
    const id = deliveryIdOf(context.activity);
    if (id && !(await this.opts.ledger.once(id))) {
      return { status: 200 };
    }
    const token = await this.opts.signIn.userToken(context, state).catch(() => undefined);
    if (!token) {
      await this.opts.say(
        context,
        messageReply(
          'warning',
          'Sign-in did not complete',
          'The token service did not accept that sign-in; send the command again to retry.',
        ),
      );
      return { status: 404 };
    }
    await this.resumePending(context, token);
    return { status: 200 };
  }

  /**
   * Teams SSO from an OAuth card: exchange the Teams token at the token service. Teams sends it
   * from every signed-in device, so only the first of an exchange id counts; a refusal is a 412,
   * on which Teams shows the sign-in button instead.
   */
  private async tokenExchange(context: TurnContext): Promise<InvokeResponse> {
    const { signIn } = this.opts;
    const value = (context.activity.value ?? {}) as Record<string, unknown>;
    const id = typeof value.id === 'string' ? value.id.slice(0, 200) : '';
    const token = typeof value.token === 'string' ? value.token : '';
    const connectionName = signIn.connectionName;
    if (!id || !token || value.connectionName !== connectionName) {
      return {
        status: 400,
        body: { id, connectionName, failureDetail: 'Not a token exchange for this bot.' },
      };
    }
    if (!(await once(this.opts.store, `token-exchange:${id}`, EXCHANGE_DEDUPE_MS))) {
      return { status: 200, body: { id, connectionName } };
    }
    const userToken = await signIn.exchange(context, token);
    if (!userToken) {
      return {
        status: 412,
        body: {
          id,
          connectionName,
          failureDetail: 'The bot is unable to exchange token. Proceed with regular login.',
        },
      };
    }
    await this.resumePending(context, userToken);
    return { status: 200, body: { id, connectionName } };
  }

  /** Runs the command that waited for this sign-in, exactly once (the store hands it out once). */
  private async resumePending(context: TurnContext, userToken: string): Promise<void> {
    const pending: PendingCommand | undefined = await this.opts.signIn.takePending(context);
    if (!pending) return;
    // The original message's id keeps queuing idempotent, as if it had run the first time.
    await this.opts.resume(
      context,
      pending.text,
      userToken,
      pending.activityId ?? deliveryIdOf(context.activity),
    );
  }
}
