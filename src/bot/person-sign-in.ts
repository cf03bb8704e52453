import { createHash } from 'node:crypto';
import {
  CardFactory,
  type AdaptiveCardInvokeResponse,
  type Attachment,
  type TokenResponse,
  type TurnContext,
} from 'botbuilder';
import type { UserTokenClient } from 'botframework-connector';
import {
  SignInRequiredError,
  UserTokenError,
  type ActAsPerson,
  type UserTokenExchanger,
} from '../auth/user-token';
import type { Clock } from '../clock/clock';
import type { ActAs } from '../devops/devops-port';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import { actorFromActivity, conversationFromActivity } from './actor-from-activity';

/** A command that stopped for a sign-in; kept this long, then the person types it again. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60_000;

const COLLECTION = 'pending-sign-ins';

/** What the person typed before the sign-in card, to run once they have signed in. */
export interface PendingCommand {
  text: string;
  /** The original message's id: keeps queuing idempotent (correlation ids derive from it). */
  activityId?: string;
  at: number;
}

export interface PersonSignInOptions {
  /** The Azure Bot resource's OAuth connection name. */
  connectionName: string;
  /** Exchanges the person's token (for the bot) on-behalf-of for an Azure DevOps token. */
  exchanger: Pick<UserTokenExchanger, 'actAs'>;
  store: Store;
  clock: Clock;
  logger: Logger;
}

/**
 * Teams sign-in for acting as the person, through the Bot Framework token service the CloudAdapter
 * puts on every turn (`UserTokenClient`): read the person's token, exchange an SSO token, build the
 * OAuth sign-in card / Universal Actions login request, and remember one pending command per
 * person and conversation. Tokens are never logged or stored by this class.
 * @example
 *   const signIn = new PersonSignIn({ connectionName: 'ado', exchanger, store, clock, logger });
 *   const ctx = { ...base, actAsPerson: signIn.actAsPerson(context) };
 */
export class PersonSignIn {
  constructor(private readonly opts: PersonSignInOptions) {}

  get connectionName(): string {
    return this.opts.connectionName;
  }

  /**
   * The lazy identity for one turn: the token service is asked only when a command needs it, at
   * most once per turn. `userToken` is a token this turn already holds (after a sign-in or SSO).
   */
  actAsPerson(context: TurnContext, userToken?: string): ActAsPerson {
    let result: Promise<ActAs> | undefined;
    return () => {
      result ??= (async () => {
        const token = userToken ?? (await this.userToken(context));
        if (!token) throw new SignInRequiredError();
        return this.opts.exchanger.actAs(token);
      })();
      return result;
    };
  }

  /** The person's token for the bot, from the token service (with a magic code after sign-in). */
  async userToken(context: TurnContext, magicCode?: string): Promise<string | undefined> {
    const { userId, channelId } = who(context);
    const response = await this.call('read your sign-in', () =>
      // Typed as required, but botbuilder's own callers pass undefined for "no code".
      this.client(context).getUserToken(
        userId,
        this.opts.connectionName,
        channelId,
        magicCode as string,
      ),
    );
    return tokenOf(response);
  }

  /**
   * Exchanges a Teams SSO token for the person's token for this connection. Undefined when the
   * token service refuses (consent needed, wrong audience): Teams then shows the sign-in card.
   */
  async exchange(context: TurnContext, ssoToken: string): Promise<string | undefined> {
    const { userId, channelId } = who(context);
    try {
      const response = await this.client(context).exchangeToken(
        userId,
        this.opts.connectionName,
        channelId,
        { token: ssoToken },
      );
      return tokenOf(response);
    } catch (err) {
      // Only the status: the error of a failed exchange can carry the request (and its token).
      this.opts.logger.warn(
        { status: (err as { statusCode?: unknown }).statusCode },
        'token exchange refused',
      );
      return undefined;
    }
  }

  /** Forgets the person's token at the token service (after Entra ID refused it). */
  async signOut(context: TurnContext): Promise<void> {
    const { userId, channelId } = who(context);
    await this.client(context)
      .signOutUser(userId, this.opts.connectionName, channelId)
      .catch(() => undefined);
  }

  /** An OAuth card: Teams tries SSO silently with its token exchange resource, else shows a button. */
  async signInCard(context: TurnContext, text: string): Promise<Attachment> {
    const resource = await this.call('prepare the sign-in', () =>
      // No final redirect: Teams closes the sign-in window itself (typed as required).
      this.client(context).getSignInResource(
        this.opts.connectionName,
        context.activity,
        undefined as unknown as string,
      ),
    );
    return CardFactory.oauthCard(
      this.opts.connectionName,
      'Sign in',
      text,
      resource?.signInLink,
      resource?.tokenExchangeResource,
      resource?.tokenPostResource,
    );
  }

  /** The Universal Actions answer to a button that needs the person: Teams signs in and retries. */
  async loginRequest(context: TurnContext, text: string): Promise<AdaptiveCardInvokeResponse> {
    const card = (await this.signInCard(context, text)).content as Record<string, unknown>;
    return {
      statusCode: 401,
      type: 'application/vnd.microsoft.activity.loginRequest',
      value: {
        text,
        connectionName: this.opts.connectionName,
        tokenExchangeResource: card.tokenExchangeResource,
        buttons: card.buttons,
      } as never,
    };
  }

  /** Remembers the command to run after sign-in (one per person and conversation; the latest wins). */
  async remember(context: TurnContext, command: PendingCommand): Promise<void> {
    await this.opts.store.put<PendingCommand>(COLLECTION, pendingKey(context), command, {
      ttlMs: PENDING_SIGN_IN_TTL_MS,
    });
  }

  /**
   * Takes the pending command, if any: a compare-and-set delete, so across retries, devices and
   * replicas exactly one caller gets it.
   */
  async takePending(context: TurnContext): Promise<PendingCommand | undefined> {
    const key = pendingKey(context);
    const doc = await this.opts.store.get<PendingCommand>(COLLECTION, key);
    if (!doc) return undefined;
    return (await this.opts.store.delete(COLLECTION, key, doc.etag)) ? doc.value : undefined;
  }

  private client(context: TurnContext): UserTokenClient {
    const adapter = context.adapter as { UserTokenClientKey?: symbol };
    const client = adapter.UserTokenClientKey
      ? context.turnState.get<UserTokenClient>(adapter.UserTokenClientKey)
      : undefined;
    if (!client) {
      throw new UserTokenError('unavailable', 'Sign-in is not available on this channel.');
    }
    return client;
  }

  /** Token service failures become "try again"; their text (URLs, ids) is not shown. */
  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UserTokenError) throw err;
      this.opts.logger.warn(
        { status: (err as { statusCode?: unknown }).statusCode, doing },
        'Bot Framework token service failed',
      );
      throw new UserTokenError(
        'unavailable',
        `I could not ${doing} at the Bot Framework token service; try again in a minute.`,
      );
    }
  }
}

function who(context: TurnContext): { userId: string; channelId: string } {
  return {
    userId: String(context.activity.from?.id ?? ''),
    channelId: String(context.activity.channelId ?? ''),
  };
}

function tokenOf(response: TokenResponse | undefined): string | undefined {
  return typeof response?.token === 'string' && response.token ? response.token : undefined;
}

/** One pending command per person and conversation; hashed to bound the key's length. */
function pendingKey(context: TurnContext): string {
  const person = actorFromActivity(context.activity).teamsId ?? 'unknown';
  const conversation = conversationFromActivity(context.activity).id;
  return createHash('sha256').update(`${person}\n${conversation}`).digest('base64url');
}
