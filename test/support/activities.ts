import { randomUUID } from 'node:crypto';

export interface ActivityOptions {
  serviceUrl: string;
  conversationId?: string;
  conversationType?: 'personal' | 'channel' | 'groupChat';
  from?: { id: string; name: string; aadObjectId?: string; userPrincipalName?: string };
  id?: string;
  channelData?: Record<string, unknown>;
}

export const ALEX = {
  id: '29:alex-teams-id',
  name: 'Alex Wilber',
  aadObjectId: '00000000-0000-0000-0000-00000000a1e1',
  userPrincipalName: 'devops.lead@digitre.example',
};

/** A Teams message activity as the channel delivers it to the bot. */
export function messageActivity(text: string, o: ActivityOptions): Record<string, unknown> {
  return { ...envelope(o), type: 'message', text, textFormat: 'plain', locale: 'en-US' };
}

/** What every activity from Teams carries: ids, channel, sender, conversation, tenant. */
function envelope(o: ActivityOptions): Record<string, unknown> {
  return {
    id: o.id ?? randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: o.from ?? ALEX,
    conversation: {
      id: o.conversationId ?? 'a:personal-chat-1',
      conversationType: o.conversationType ?? 'personal',
    },
    recipient: { id: '28:digitre-bot', name: 'DigitRE' },
    channelData: o.channelData ?? { tenant: { id: 'tenant-1' } },
  };
}

/** An `adaptiveCard/action` invoke, as Teams sends it when someone clicks an Action.Execute button. */
export function cardActionActivity(
  verb: string,
  data: Record<string, unknown>,
  o: ActivityOptions,
): Record<string, unknown> {
  return {
    ...envelope(o),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** POSTs an activity to the bot; resolves with the HTTP status and parsed body (if any). */
export async function postActivity(
  botUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed };
}
