import { deepFreeze } from '../../cards/deep-freeze';
import { defineCommand, type AnyCommandSpec } from '../command-spec';
import { didYouMean } from '../../text/did-you-mean';
import type { Reply } from '../reply';

/** `help [command]`: every command with usage and an example, or one command in full. */
export const helpCommand = defineCommand<{ topic?: string }>({
  name: 'help',
  aliases: ['?', 'commands', 'usage'],
  usage: 'help [command]',
  summary: 'Lists what I can do, or explains one command.',
  examples: ['help', 'help deploy'],
  parse(words) {
    // "help me", "help with deploy": the words people put around the topic.
    words = words.filter((w) => !['me', 'with', 'on', 'about', 'for'].includes(w.toLowerCase()));
    if (words.length > 1) {
      return {
        ok: false,
        error: { problem: 'help takes at most one word: the command to explain.', suggestions: [] },
      };
    }
    return { ok: true, args: { topic: words[0]?.toLowerCase() } };
  },
  async run({ topic }, _ctx, deps) {
    const registry = deps.registry;
    if (!topic) return fullHelp(registry);
    const spec = registry.find((s) => s.name === topic || s.aliases.includes(topic));
    if (spec) {
      const also =
        spec.aliases.length > 0 ? ` Also: ${spec.aliases.map((a) => `\`${a}\``).join(', ')}.` : '';
      return helpReply([spec], `help ${spec.name}`, `${spec.summary}${also}`, spec.examples);
    }
    const suggestions = didYouMean(
      topic,
      registry.map((s) => s.name),
    );
    const hint =
      suggestions.length > 0
        ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?`
        : '';
    return helpReply(
      registry,
      'What I can do',
      `There is no command \`${topic.slice(0, 40)}\`.${hint}`,
    );
  },
});

/**
 * Plain `help` is the same card for everyone: built once per registry and shared (frozen), so
 * the renderer recognises it by identity instead of serialising ~10 kB of data per message.
 */
const fullHelpByRegistry = new WeakMap<readonly AnyCommandSpec[], Reply>();

function fullHelp(registry: readonly AnyCommandSpec[]): Reply {
  let reply = fullHelpByRegistry.get(registry);
  if (!reply) {
    // With its outcome already: `runCommand` then passes this very object on.
    reply = deepFreeze({
      ...helpReply(
        registry,
        'What I can do',
        'Type a command in this chat. Words are not case-sensitive.',
      ),
      outcome: 'ok',
    });
    fullHelpByRegistry.set(registry, reply);
  }
  return reply;
}

function helpReply(
  specs: readonly AnyCommandSpec[],
  title: string,
  intro: string,
  examples?: readonly string[],
): Reply {
  return {
    card: 'help',
    data: {
      title,
      intro,
      commands: specs.map((s) => {
        const example = examples ? examples.join(' · ') : (s.examples[0] ?? '');
        return { usage: s.usage, summary: s.summary, example, hasExample: example !== '' };
      }),
      footer: 'For one command in detail: help <command>, e.g. help deploy.',
    },
  };
}
