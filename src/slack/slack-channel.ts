import { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { Logger } from '../logging/create-logger';
import { boltLogger } from './bolt-logger';
import { toSlackApiError } from './slack-api-error';

/**
 * The Web API methods the channel calls and the bot scopes each needs; `manifest/slack.yaml`
 * must grant them (a contract test holds the two together).
 */
export const SLACK_CHANNEL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.open': ['im:write'],
  'users.info': ['users:read', 'users:read.email'],
};

/** What the bot posts: Block Kit blocks and the text Slack shows in notifications and old clients. */
export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** A person as Slack knows them; `email` needs the `users:read.email` scope and a visible profile. */
export interface SlackPerson {
  name: string;
  email?: string;
}

/**
 * Where the bot's messages go in Slack. One HTTP attempt per call: a 429 (with `retryAfterMs`),
 * a refused token or a refused payload throws a SlackApiError at once, so the shared
 * publisher/outbox decides when to try again, as it does for Teams.
 * @example
 * const slack = new SlackChannel({ botToken, apiUrl, logger });
 * const { ts } = await slack.send('C0001', { text: 'Run queued', blocks });
 * await slack.update('C0001', ts, { text: 'Succeeded', blocks: next });
 */
export class SlackChannel {
  private readonly client: WebClient;

  constructor(opts: { botToken: string; apiUrl?: string; logger: Logger; timeoutMs?: number }) {
    this.client = new WebClient(opts.botToken, {
      slackApiUrl: opts.apiUrl,
      logger: boltLogger(opts.logger),
      // The client would otherwise sleep through Retry-After and retry for minutes inside a turn.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: opts.timeoutMs ?? 10_000,
    });
  }

  /** chat.postMessage; resolves the message's `ts`, which `update` needs. */
  async send(channel: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
    const r = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks }),
    );
    return { channel: r.channel ?? channel, ts: r.ts ?? '' };
  }

  /** chat.update: replaces a message the bot posted (the live run message). */
  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.call('chat.update', () =>
      this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
    );
  }

  /** chat.postEphemeral: only `user` sees it (e.g. "you are not an approver"). */
  async ephemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks }),
    );
  }

  /** views.open: a modal for the person whose click gave `triggerId` (valid for 3 s). */
  async openView(triggerId: string, view: Record<string, unknown>): Promise<void> {
    await this.call('views.open', () =>
      this.client.views.open({
        trigger_id: triggerId,
        view: view as unknown as Parameters<WebClient['views']['open']>[0]['view'],
      }),
    );
  }

  /** conversations.open: the DM channel with a person (run-ended notices to the requester). */
  async openDm(slackUserId: string): Promise<string> {
    const r = await this.call('conversations.open', () =>
      this.client.conversations.open({ users: slackUserId }),
    );
    return r.channel?.id ?? '';
  }

  /** users.info: the name and email that match a Slack user to the catalog's people. */
  async person(slackUserId: string): Promise<SlackPerson> {
    const r = await this.call('users.info', () => this.client.users.info({ user: slackUserId }));
    const profile = r.user?.profile;
    return {
      name: profile?.display_name || profile?.real_name || r.user?.name || slackUserId,
      email: profile?.email || undefined,
    };
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toSlackApiError(err, method);
    }
  }
}
