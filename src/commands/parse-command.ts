import type { AnyCommandSpec, CommandRegistry, ParseContext, UsageError } from './command-spec';
import { clip } from './clip';
import { didYouMean, editDistance } from '../text/did-you-mean';
import { MAX_MESSAGE_LENGTH, MAX_WORDS, normalizeText } from './normalize-text';
import { smallTalkCommand } from './handlers/small-talk';
import { rephrase } from './parse-phrasing';

export type ParsedCommand =
  { ok: true; spec: AnyCommandSpec; args: unknown } | { ok: false; error: UsageError };

/**
 * Text → a command with typed arguments, or a usage error. Pure: never throws, never calls out.
 * Commands are matched on whole words (longest name or alias first), never on substrings.
 * @example parseCommand('<at>DigitRE</at> deploy custom-qa model v3', registry, { catalog })
 */
export function parseCommand(
  raw: string,
  registry: CommandRegistry,
  ctx: ParseContext,
): ParsedCommand {
  const text = normalizeText(typeof raw === 'string' ? raw : '');
  if (text.length === 0) {
    return usage('The message was empty. Tell me what to do, for example `status` or `help`.');
  }
  if (text.length > MAX_MESSAGE_LENGTH) {
    return usage(
      `That message is ${text.length.toLocaleString('en')} characters; commands are at most ${MAX_MESSAGE_LENGTH}. ` +
        'Send just the command, for example `deploy custom-qa model v3`.',
    );
  }
  const typed = text.split(' ');
  if (typed.length > MAX_WORDS) {
    return usage(`That is ${typed.length} words; a command has at most ${MAX_WORDS}.`);
  }
  // "hi", "thanks!": a line back, not a command (nor the whole help card).
  const talk = smallTalkCommand.parse(typed, ctx);
  if (talk.ok) return { ok: true, spec: smallTalkCommand, args: talk.args };
  const words = rephrase(typed);
  if (words.length === 0) return usage('Tell me what to do, for example `status` or `help`.');
  const match = findSpec(words, registry);
  if (!match) {
    const first = words[0]!.toLowerCase();
    const names = registry.flatMap((s) => [s.name, ...s.aliases.filter((a) => !a.includes(' '))]);
    const suggestions = didYouMean(first, names).map(
      (n) => registry.find((s) => s.name === n || s.aliases.includes(n))!.name,
    );
    const rest = words.slice(1).join(' ');
    // "pelase deploy qa": a typo'd filler word before a command that is all there (its guess,
    // `release`, is that same command). "hlep deploy" still means `help deploy`.
    const after = words.length > 1 ? findSpec(words.slice(1), registry) : undefined;
    if (after && suggestions.every((s) => s === after.spec.name)) {
      return {
        ok: false,
        error: {
          problem: `I don't know the command \`${clip(first)}\`.`,
          suggestions: [rest],
          commands: [rest],
          usage: 'help [command]',
        },
      };
    }
    const unique = [...new Set(suggestions)];
    return {
      ok: false,
      error: {
        problem: `I don't know the command \`${clip(first)}\`.`,
        suggestions: unique,
        commands: unique.map((s) => (rest ? `${s} ${rest}` : s)),
        usage: 'help [command]',
      },
    };
  }
  const result = match.spec.parse(words.slice(match.length), ctx);
  if (!result.ok) {
    return {
      ok: false,
      error: {
        usage: match.spec.usage,
        example: match.spec.examples[0],
        command: match.spec.name,
        ...result.error,
        commands: result.error.suggestions.map((s) => withSuggestion(words, s)),
      },
    };
  }
  return { ok: true, spec: match.spec, args: result.args };
}

/** Every name and alias of a registry split into words, longest first; built once per registry. */
const phrasesOf = new WeakMap<CommandRegistry, { spec: AnyCommandSpec; parts: string[] }[]>();

function phrases(registry: CommandRegistry): { spec: AnyCommandSpec; parts: string[] }[] {
  let list = phrasesOf.get(registry);
  if (!list) {
    list = registry.flatMap((spec) =>
      [spec.name, ...spec.aliases].map((phrase) => ({ spec, parts: phrase.split(' ') })),
    );
    // Stable sort: among phrases of equal length the registry order still decides.
    list.sort((a, b) => b.parts.length - a.parts.length);
    phrasesOf.set(registry, list);
  }
  return list;
}

/**
 * The spec whose name or alias matches the most leading words. The split phrases are cached
 * per registry: splitting every alias on every message was ~1% of the bot's CPU per command.
 */
function findSpec(
  words: readonly string[],
  registry: CommandRegistry,
): { spec: AnyCommandSpec; length: number } | undefined {
  const lower = words.map((w) => w.toLowerCase());
  for (const { spec, parts } of phrases(registry)) {
    if (parts.length > lower.length) continue;
    if (parts.every((p, i) => p === lower[i])) return { spec, length: parts.length };
  }
  return undefined;
}

function usage(problem: string, suggestions: string[] = []): ParsedCommand {
  return { ok: false, error: { problem, suggestions, usage: 'help [command]' } };
}

/**
 * A did-you-mean word put into the command as typed: the typed word closest to it is replaced,
 * every other word is kept exactly as written. A suggestion that is already a whole command
 * (several words) is returned as it is.
 * @example withSuggestion(['deploy', 'prdo', 'v3'], 'prod') // 'deploy prod v3'
 */
export function withSuggestion(words: readonly string[], suggestion: string): string {
  if (suggestion.includes(' ')) return suggestion;
  let best = -1;
  let bestDistance = Infinity;
  // The command word itself is right (it matched); the others are candidates.
  words.forEach((w, i) => {
    if (i === 0) return;
    const d = editDistance(w.toLowerCase().replace(/=.*$/, ''), suggestion.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  if (best < 0) return [...words, suggestion].join(' ');
  const typed = words[best]!;
  // `computname=x` → `computeName=x`: keep the value that was typed.
  const value =
    typed.includes('=') && !suggestion.includes('=') ? typed.slice(typed.indexOf('=')) : '';
  return words.map((w, i) => (i === best ? `${suggestion}${value}` : w)).join(' ');
}
