import { BENCH_USER } from './bench-connector';

/**
 * A Teams message activity as the channel delivers it, serialized, with the given id (the bot
 * dedupes activity ids, so every benchmark request needs its own).
 * @example post(url, messageBody('help', 'bench-1', connector.url))
 */
export function messageBody(
  text: string,
  id: string,
  serviceUrl: string,
  conversationId = 'a:bench-personal-chat',
): string {
  return JSON.stringify({
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: BENCH_USER,
    conversation: { id: conversationId, conversationType: 'personal' },
    recipient: { id: '28:digitre-bot', name: 'DigitRE' },
    text,
    textFormat: 'plain',
    locale: 'en-US',
    channelData: { tenant: { id: 'tenant-bench' } },
  });
}
