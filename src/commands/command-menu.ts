import type { CommandRegistry } from './command-spec';

/** One entry of a bot's command menu in Teams. */
export interface BotCommand {
  /** What the user sends, e.g. `deploy`. At most 32 characters. */
  title: string;
  /** Usage or summary; cut to 128 characters. */
  description: string;
}

/** Where a Teams app's bot menu shows. */
export type BotScope = 'personal' | 'team' | 'groupChat';

/**
 * Which commands each Teams scope's menu shows. Teams allows 10 per list, and the registry has
 * more, so the lists split them by where they are used most: personal chat for deploying and
 * deciding, team channels for notifications and locks, group chats for the rest. Together
 * they cover every command (the contract test checks), and any command can be typed anywhere.
 */
export const COMMAND_MENU: Record<BotScope, readonly string[]> = {
  personal: [
    'deploy',
    'approve',
    'reject',
    'status',
    'runs',
    'approvals',
    'logs',
    'retry',
    'whoami',
    'help',
  ],
  team: [
    'status',
    'deploy',
    // `approve` is in the personal menu and on every approval card's buttons.
    'doctor',
    'subscribe',
    'unsubscribe',
    'subscriptions',
    'lock',
    'unlock',
    'locks',
    'wcid',
  ],
  groupChat: [
    'run',
    'train',
    'extract-prepare',
    'cleanup',
    'pipelines',
    'models',
    'cancel',
    'rollback',
    'setup',
    'audit',
  ],
};

/** The manifest's command lists, from the registry (usage as the description). */
export function manifestCommandLists(registry: CommandRegistry): Record<BotScope, BotCommand[]> {
  const toCommand = (name: string): BotCommand[] => {
    const spec = registry.find((s) => s.name === name);
    return spec ? [{ title: spec.name, description: `${spec.usage} — ${spec.summary}` }] : [];
  };
  return {
    personal: COMMAND_MENU.personal.flatMap(toCommand),
    team: COMMAND_MENU.team.flatMap(toCommand),
    groupChat: COMMAND_MENU.groupChat.flatMap(toCommand),
  };
}
