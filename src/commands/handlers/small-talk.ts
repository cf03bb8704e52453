import { defineCommand, type CommandDeps } from '../command-spec';
import { messageReply } from '../message-reply';
import { smallTalk, type SmallTalk } from '../parse-phrasing';
import { fail } from '../parse-words';
import type { Reply } from '../reply';

/**
 * "hi", "thanks!": a line back, not the whole help card (a screen and a half in Teams). Not in
 * the registry: people never type it as a command, so help and Teams' command menu leave it
 * out; `parseCommand` answers with it when a message is only a greeting or thanks.
 */
export const smallTalkCommand = defineCommand<{ kind: SmallTalk }>({
  name: 'small-talk',
  aliases: [],
  usage: '',
  summary: 'Answers a greeting or thanks in a line.',
  examples: ['hi', 'thanks'],
  parse: (words) => {
    const kind = smallTalk(words);
    return kind ? { ok: true, args: { kind } } : fail('That is not only a greeting or thanks.');
  },
  run: async ({ kind }, ctx, deps) => smallTalkReply(kind, ctx.actor.name, deps),
});

/**
 * The line that answers a greeting (with a few commands to try) or thanks.
 * @example smallTalkReply('greeting', 'Alex Wilber', deps) // "👋 Hi Alex!" + "Try `status`, `deploy dev`, or `help` for everything."
 */
export function smallTalkReply(
  kind: SmallTalk,
  name: string,
  deps: Pick<CommandDeps, 'catalog'>,
): Reply {
  if (kind === 'thanks') {
    return messageReply('default', 'You’re welcome!', 'Anytime. `help` lists what I can do.', {
      icon: '🙂',
    });
  }
  const first = firstName(name);
  // An environment of this catalog, so the suggestion works as typed.
  const env = deps.catalog.environments[0]?.key;
  const tries = ['`status`', ...(env ? [`\`deploy ${env}\``] : [])].join(', ');
  return messageReply(
    'default',
    first ? `Hi ${first}!` : 'Hi!',
    `Try ${tries}, or \`help\` for everything.`,
    { icon: '👋' },
  );
}

/** "Alex Wilber" → "Alex"; nothing for an id or an address (no "Hi 29:1abc!"). */
function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return /^[\p{L}][\p{L}'’-]*$/u.test(first) ? first : '';
}
