import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { manualClock } from '../../src/clock/clock';
import { saveConversation } from '../../src/conversations/save-conversation';
import { createLogger } from '../../src/logging/create-logger';
import { replyToActivity } from '../../src/bot/reply-to-activity';
import type { Clock } from '../../src/clock/clock';
import type { Reply } from '../../src/commands/reply';
import type { Logger } from '../../src/logging/create-logger';
import type { ChatChannel } from '../../src/publisher/chat-channel';
import { ChannelError } from '../../src/publisher/delivery-errors';
import { Publisher } from '../../src/publisher/publisher';
import type { Store } from '../../src/store/store';

export const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
export const CHANNEL = '19:ops@thread.tacv2';
export const OTHER_CHANNEL = '19:qa@thread.tacv2';
export const PERSONAL = 'a:personal-alex';

/** A logger whose lines tests can read. */
export function testLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Which card a sent message is, read from the reply it was rendered from. */
export interface CardShown {
  runCard?: { runId: number | undefined };
  approvalCard?: true;
}

export interface SentCall {
  method: 'send' | 'update';
  conversationId: string;
  activityId: string;
  activity: Partial<Activity>;
  /** Absent for other cards (a notice, an announcement). */
  shows?: CardShown;
}

/** What `FakeChannel` renders: the Teams activity plus the reply's card and run. */
interface FakePayload {
  activity: Partial<Activity>;
  card: Reply['card'];
  runId?: number;
}

/**
 * A chat platform that records what it was sent (rendered like Teams); `deferNext` makes the
 * next sends fail as unavailable, so the publisher hands them to its outbox.
 */
export class FakeChannel implements ChatChannel<FakePayload> {
  readonly calls: SentCall[] = [];
  deferNext = 0;
  private next = 1;

  constructor(readonly platform = 'fake') {}

  render(reply: Reply): FakePayload {
    return {
      activity: replyToActivity(reply),
      card: reply.card,
      ...(reply.runId !== undefined && { runId: reply.runId }),
    };
  }

  async send(conversationId: string, payload: FakePayload): Promise<string> {
    if (this.deferNext > 0) {
      this.deferNext--;
      throw new ChannelError('unavailable', 'fake channel down', { status: 503 });
    }
    const activityId = `act-${this.next++}`;
    this.record('send', conversationId, activityId, payload);
    return activityId;
  }

  async update(conversationId: string, activityId: string, payload: FakePayload): Promise<void> {
    this.record('update', conversationId, activityId, payload);
  }

  in(conversationId: string): SentCall[] {
    return this.calls.filter((c) => c.conversationId === conversationId);
  }

  private record(
    method: SentCall['method'],
    conversationId: string,
    activityId: string,
    payload: FakePayload,
  ): void {
    const shows: CardShown | undefined =
      payload.card === 'run-status'
        ? { runCard: { runId: payload.runId } }
        : payload.card === 'approval'
          ? { approvalCard: true }
          : undefined;
    this.calls.push({
      method,
      conversationId,
      activityId,
      activity: payload.activity,
      ...(shows && { shows }),
    });
  }
}

/** The real publisher over `channel`: one attempt per send, then the (real) outbox. */
export function testPublisher(
  store: Store,
  clock: Clock,
  logger: Logger,
  channel: ChatChannel = new FakeChannel(),
): Publisher {
  return new Publisher({ channel, store, clock, logger, maxAttempts: 1, sleep: async () => {} });
}

/** The card JSON of an activity. */
export function cardOf(activity: Partial<Activity>): Record<string, unknown> {
  return (activity.attachments?.[0]?.content ?? {}) as Record<string, unknown>;
}

/** All text in a card, for loose assertions. */
export function cardText(activity: Partial<Activity>): string {
  return JSON.stringify(cardOf(activity));
}

export async function saveConversations(store: Store): Promise<void> {
  const base = {
    serviceUrl: 'http://127.0.0.1:1/',
    channelId: 'msteams',
    botId: '28:bot',
    tenantId: 't1',
  };
  await saveConversation(store, { ...base, conversationId: CHANNEL, conversationType: 'channel' });
  await saveConversation(store, {
    ...base,
    conversationId: OTHER_CHANNEL,
    conversationType: 'channel',
  });
  await saveConversation(store, {
    ...base,
    conversationId: PERSONAL,
    conversationType: 'personal',
    userId: '29:alex',
  });
}

export { manualClock };
