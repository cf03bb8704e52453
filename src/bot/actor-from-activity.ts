import { createHash } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Actor } from '../auth/actor';
import type { CommandContext } from '../commands/command-spec';

/** Who sent an activity, from the fields every channel fills in. */
export function actorFromActivity(activity: Partial<Activity>): Actor {
  const from = activity.from;
  const teamsId = typeof from?.id === 'string' && from.id ? from.id : 'unknown';
  const aad =
    typeof from?.aadObjectId === 'string' && from.aadObjectId ? from.aadObjectId : undefined;
  const name =
    typeof from?.name === 'string' && from.name.trim() ? from.name.trim().slice(0, 100) : 'someone';
  // Teams puts the UPN on `from.userPrincipalName` only in some payloads; member lookup fills the rest.
  const upnField = (from as { userPrincipalName?: unknown } | undefined)?.userPrincipalName;
  const upn = typeof upnField === 'string' && upnField.includes('@') ? upnField : undefined;
  return { id: aad ?? teamsId, name, upn, aadObjectId: aad, teamsId };
}

/** Where an activity was sent, as handlers see it. */
export function conversationFromActivity(
  activity: Partial<Activity>,
): CommandContext['conversation'] {
  const conv = activity.conversation;
  // A reply thread in a channel is `19:…@thread.tacv2;messageid=…`: state belongs to the channel.
  const id = typeof conv?.id === 'string' ? conv.id.replace(/;messageid=.*$/, '') : 'unknown';
  const channelData = (activity.channelData ?? {}) as {
    channel?: { id?: unknown };
    team?: { id?: unknown };
  };
  const channelId =
    typeof channelData.channel?.id === 'string' ? channelData.channel.id : undefined;
  const teamId = typeof channelData.team?.id === 'string' ? channelData.team.id : undefined;
  const type =
    conv?.conversationType === 'channel'
      ? 'channel'
      : conv?.conversationType === 'groupChat' || conv?.isGroup
        ? 'groupChat'
        : 'personal';
  return { id, type, channelId, teamId };
}

/** Every tenant id a Teams activity names: `channelData.tenant.id` and `conversation.tenantId`. */
export function tenantsOfActivity(activity: Partial<Activity>): unknown[] {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  return [channelData?.tenant?.id, activity.conversation?.tenantId as unknown];
}

/** Longest delivery id kept as it is; Teams' own are far shorter. */
const MAX_DELIVERY_ID = 200;

/**
 * The activity id as a delivery id the store can key on: a string, clipped to a digest when it
 * is implausibly long (a forged activity must not turn into a store error); none otherwise.
 */
export function deliveryIdOf(activity: Partial<Activity>): string | undefined {
  const id = activity.id as unknown;
  if (typeof id !== 'string' || id === '') return undefined;
  if (id.length <= MAX_DELIVERY_ID) return id;
  return `sha256:${createHash('sha256').update(id).digest('hex')}`;
}
