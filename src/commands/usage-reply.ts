import type { UsageError } from './command-spec';
import type { Reply } from './reply';

/**
 * A usage error as a card: the problem, how to write it, an example, did-you-mean (outcome `usage`).
 * @example usageReply({ command: 'deploy', problem: 'Which environment?', suggestions: [] })
 */
export function usageReply(error: UsageError): Reply {
  return {
    card: 'usage-error',
    data: {
      title:
        error.title ??
        (error.command
          ? `I couldn't read that \`${error.command}\` command`
          : "I didn't understand that"),
      problem: error.problem,
      usage: error.usage ?? 'help [command]',
      example: error.example ?? '',
      hasExample: Boolean(error.example),
      suggestions: error.suggestions,
      hasSuggestions: error.suggestions.length > 0,
      // At most three buttons: each sends its command as if the person had typed it.
      suggestedCommands: (error.commands ?? []).slice(0, 3),
      helpHint: error.command
        ? `Type \`help ${error.command}\` for details.`
        : 'Type `help` to see every command.',
    },
    outcome: 'usage',
  };
}
