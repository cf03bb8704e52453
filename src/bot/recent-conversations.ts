import type { Activity } from 'botbuilder';
import { conversationInfoFromActivity } from './on-installation';

/** How long a conversation's reference is taken as saved without asking the store again. */
const FRESH_MS = 10 * 60_000;
/** Most conversations remembered; beyond it the oldest go (a flood of chats cannot grow memory). */
const MAX = 10_000;

/**
 * The conversation references this process saved lately, so a busy chat costs no store read per
 * message (issue 18, item 7): the reference is saved again only when what Teams says about the
 * conversation changed, or after a few minutes, or after an install event.
 * @example if (recent.isFresh(activity, now)) return; await save(); recent.saved(activity, now);
 */
export class RecentConversations {
  private readonly seen = new Map<string, { fingerprint: string; at: number }>();

  isFresh(activity: Partial<Activity>, now: number): boolean {
    const id = activity.conversation?.id;
    const entry = id === undefined ? undefined : this.seen.get(id);
    return !!entry && entry.fingerprint === fingerprint(activity) && now - entry.at < FRESH_MS;
  }

  saved(activity: Partial<Activity>, now: number): void {
    const id = activity.conversation?.id;
    if (id === undefined) return;
    this.seen.delete(id);
    if (this.seen.size >= MAX) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, { fingerprint: fingerprint(activity), at: now });
  }

  /** Installs and removals change what the store holds: ask it again next time. */
  forget(activity: Partial<Activity>): void {
    if (activity.conversation?.id !== undefined) this.seen.delete(activity.conversation.id);
  }
}

/** What a conversation reference is made of, as the store would save it. */
function fingerprint(activity: Partial<Activity>): string {
  return JSON.stringify(conversationInfoFromActivity(activity) ?? null);
}
