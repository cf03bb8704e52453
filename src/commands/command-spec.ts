import type { Actor } from '../auth/actor';
import type { ActAsPerson } from '../auth/user-token';
import type { Authorizer } from '../auth/authorizer';
import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import type { DevOpsPort } from '../devops/devops-port';
import type { HooksPort } from '../devops/hooks-client';
import type { Store } from '../store/store';
import type { Reply } from './reply';

/** A mistake in what was typed: shown as a usage card, never thrown. */
export interface UsageError {
  /**
   * The card's title when the default ("I couldn't read that `status` command") would be
   * untrue: a command that was read but names several things asks which, e.g. "Which run is
   * 20261129.1?".
   */
  title?: string;
  problem: string;
  usage?: string;
  example?: string;
  /** Did-you-mean candidates, already formatted as whole commands or words. */
  suggestions: string[];
  /** The same guesses as whole commands to send as they are (the card's "Did you mean" buttons). */
  commands?: string[];
  /** The command it concerns, when one was recognised. */
  command?: string;
}

export type ParseResult<A> = { ok: true; args: A } | { ok: false; error: UsageError };

/** What a parser may look at: the catalog, nothing with side effects. */
export interface ParseContext {
  catalog: Catalog;
}

/** Where and by whom a command was sent. */
export interface CommandContext {
  /** The chat platform the command came from (what Azure DevOps comments and the audit name). */
  platform?: 'teams' | 'slack';
  actor: Actor;
  conversation: {
    id: string;
    type: 'personal' | 'channel' | 'groupChat';
    channelId?: string;
    teamId?: string;
  };
  activityId?: string;
  /** The message came again after the instance that took it crashed: its effect may exist. */
  redelivered?: boolean;
  /**
   * Present when a sign-in connection is configured: the person's own Azure DevOps identity,
   * fetched lazily (only commands that act in Azure DevOps as the person pay for it). Throws
   * SignInRequiredError or UserTokenError, which the bot turns into a sign-in card or an answer.
   */
  actAsPerson?: ActAsPerson;
}

/** The ports a handler may use; nothing else reaches the outside world. */
/**
 * Where an announcement goes: the notifications channel, or one person's personal chat; never
 * `except` (the chat the command came from, which has its answer already).
 * @example await deps.announce?.({ channel: true, except: ctx.conversation.id }, reply);
 */
export type Announce = (
  to:
    { channel: true; except?: string } | { person: { id: string }; from: string; except?: string },
  reply: Reply,
) => Promise<void>;

export interface CommandDeps {
  catalog: Catalog;
  devops: DevOpsPort;
  store: Store;
  clock: Clock;
  authorizer: Authorizer;
  registry: CommandRegistry;
  /** Whether the bot runs against the in-process emulator. */
  localMode: boolean;
  /** Told when the bot queued a run, so its card is kept live (notifications). */
  onRunQueued?(runId: number): Promise<void>;
  /** Tells people outside this chat (lock changes, a force-unlock); none = nobody is told. */
  announce?: Announce;
  /** The Hooks REST API, for `setup hooks`. */
  hooks?: HooksPort;
  /** `CHATOPS_PUBLIC_URL`: where Azure DevOps reaches the bot. */
  publicUrl?: string;
  /** `ADO_WEBHOOK_SECRET`, which service hooks send back. */
  webhookSecret?: string;
  /** Every configured secret value, masked out of anything stored (audit details). */
  secrets?: readonly string[];
}

/**
 * One chat command: its words, its help, a pure parser and a handler returning a `Reply`.
 * @example defineCommand({ name: 'help', aliases: ['?'], usage: 'help [command]', ... })
 */
export interface CommandSpec<A> {
  name: string;
  /** Other words or phrases that start this command (`wcid`, `where can i deploy`). */
  aliases: readonly string[];
  usage: string;
  summary: string;
  examples: readonly string[];
  parse(words: readonly string[], ctx: ParseContext): ParseResult<A>;
  run(args: A, ctx: CommandContext, deps: CommandDeps): Promise<Reply>;
  /**
   * What the command was doing, for the one Azure DevOps failure reply `runCommand` gives
   * ("I could not <doing>: …"); default "run `<name>`".
   * @example doing: ({ environment }, { catalog }) => `find the previous deploy of ${environment}`
   */
  doing?(args: A, ctx: ParseContext): string;
}

/** A spec with its argument type erased, as the registry holds it. */
export interface AnyCommandSpec extends Omit<CommandSpec<unknown>, 'parse' | 'run' | 'doing'> {
  parse(words: readonly string[], ctx: ParseContext): ParseResult<unknown>;
  run(args: unknown, ctx: CommandContext, deps: CommandDeps): Promise<Reply>;
  doing?(args: unknown, ctx: ParseContext): string;
}

export type CommandRegistry = readonly AnyCommandSpec[];

/** Erases a spec's argument type safely: `run` only ever receives what its own `parse` made. */
export function defineCommand<A>(spec: CommandSpec<A>): AnyCommandSpec {
  return spec as unknown as AnyCommandSpec;
}
