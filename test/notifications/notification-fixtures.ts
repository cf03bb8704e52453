import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { manualClock } from '../../src/clock/clock';
import { saveConversation } from '../../src/conversations/save-conversation';
import { createLogger } from '../../src/logging/create-logger';
import {
  DeliveryDeferredError,
  type NotificationSender,
  type SendTag,
} from '../../src/notifications/notification-sender';
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

export interface SentCall {
  method: 'send' | 'update';
  conversationId: string;
  activityId: string;
  activity: Partial<Activity>;
  tag?: SendTag;
}

/** Records sends; can be told to defer (as if the outbox took them). */
export class FakeSender implements NotificationSender {
  readonly calls: SentCall[] = [];
  deferNext = 0;
  private next = 1;

  async send(conversationId: string, activity: Partial<Activity>, tag?: SendTag): Promise<string> {
    if (this.deferNext > 0) {
      this.deferNext--;
      throw new DeliveryDeferredError('outbox-1');
    }
    const activityId = `act-${this.next++}`;
    this.calls.push({ method: 'send', conversationId, activityId, activity, ...(tag && { tag }) });
    return activityId;
  }

  async update(
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
    tag?: SendTag,
  ): Promise<void> {
    this.calls.push({
      method: 'update',
      conversationId,
      activityId,
      activity,
      ...(tag && { tag }),
    });
  }

  in(conversationId: string): SentCall[] {
    return this.calls.filter((c) => c.conversationId === conversationId);
  }
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
