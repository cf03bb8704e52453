import { catalogIndex } from '../../catalog/catalog-index';
import type { Catalog } from '../../catalog/catalog-schema';
import { addSubscription } from '../../subscriptions/add-subscription';
import { describeFilter } from '../../subscriptions/describe-filter';
import { listSubscriptions } from '../../subscriptions/list-subscriptions';
import { removeSubscriptions } from '../../subscriptions/remove-subscriptions';
import type {
  RunEventKind,
  RunResult,
  SubscriptionFilterInput,
} from '../../subscriptions/subscription';
import { clip } from '../clip';
import { defineCommand, type ParseResult } from '../command-spec';
import { didYouMean } from '../../text/did-you-mean';
import { audit } from '../handler-kit';
import { messageReply } from '../message-reply';
import { fail, noArgs, parseBranch } from '../parse-words';

const EVENT_WORDS: Record<string, RunEventKind> = {
  started: 'started',
  starts: 'started',
  start: 'started',
  stages: 'stageChanged',
  stage: 'stageChanged',
  approvals: 'waitingForApproval',
  approval: 'waitingForApproval',
  completed: 'completed',
  complete: 'completed',
  finished: 'completed',
  done: 'completed',
};
const RESULT_WORDS: Record<string, RunResult> = {
  failed: 'failed',
  failures: 'failed',
  failing: 'failed',
  fails: 'failed',
  succeeded: 'succeeded',
  successes: 'succeeded',
  success: 'succeeded',
  canceled: 'canceled',
  cancelled: 'canceled',
};
const FILLER = new Set(['all', 'everything', 'only', 'to', 'for', 'and', 'runs', 'events', 'in']);

/** `subscribe [pipeline|env ...] [started|stages|approvals|completed] [failed|succeeded] [branch <name>]`. */
export function parseSubscribe(
  words: readonly string[],
  catalog: Catalog,
): ParseResult<SubscriptionFilterInput> {
  const filter = {
    pipelines: [] as string[],
    environments: [] as string[],
    events: [] as RunEventKind[],
    results: [] as RunResult[],
    branch: undefined as string | undefined,
  };
  const add = <T>(list: T[], v: T) => {
    if (!list.includes(v)) list.push(v);
  };
  const index = catalogIndex(catalog);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.toLowerCase();
    if (FILLER.has(w)) continue;
    if (w === 'branch' || w === 'on') {
      const b = parseBranch(words[++i]);
      if (!b.ok) return b;
      filter.branch = b.args;
    } else if (EVENT_WORDS[w]) add(filter.events, EVENT_WORDS[w]!);
    else if (RESULT_WORDS[w]) add(filter.results, RESULT_WORDS[w]!);
    else if (index.environment(w)) add(filter.environments, index.requireEnvironment(w).key);
    else if (index.pipeline(w)) add(filter.pipelines, index.requirePipeline(w).key);
    else {
      const names = [
        ...Object.keys(EVENT_WORDS),
        ...Object.keys(RESULT_WORDS),
        ...catalog.pipelines.map((p) => p.key),
        ...catalog.environments.map((e) => e.key),
      ];
      return fail(
        `I can't filter on \`${clip(w)}\`. Filters are pipelines, environments, \`started\`, \`stages\`, \`approvals\`, \`completed\`, \`failed\`, \`succeeded\` and \`branch <name>\`.`,
        didYouMean(w, names),
      );
    }
  }
  return { ok: true, args: filter };
}

export const subscribeCommand = defineCommand<SubscriptionFilterInput>({
  name: 'subscribe',
  aliases: ['notify', 'follow'],
  usage:
    'subscribe [pipeline|env ...] [started|stages|approvals|completed] [failed|succeeded] [branch <name>]',
  summary:
    'Sends this chat notifications about pipeline runs (all of them, or what the filters say).',
  examples: [
    'subscribe',
    'subscribe prod',
    'subscribe train completed',
    'subscribe qa failed',
    'subscribe custom-qa branch develop',
  ],
  parse: (words, { catalog }) => parseSubscribe(words, catalog),
  async run(filter, ctx, deps) {
    const r = await addSubscription(deps.store, deps.clock, {
      conversationId: ctx.conversation.id,
      conversationType: ctx.conversation.type,
      actor: ctx.actor,
      filter,
    });
    const what = describeFilter(r.filter);
    await audit(deps, ctx, { action: 'subscribe', detail: what, outcome: 'ok' });
    return r.outcome === 'added'
      ? messageReply('good', '🔔 Subscribed', `This chat will hear about ${what}.`, {
          facts: [{ title: 'Subscription id', value: r.filter.id }],
        })
      : messageReply('default', 'Already subscribed', `This chat already hears about ${what}.`);
  },
});

export const unsubscribeCommand = defineCommand<{ filterId?: string }>({
  name: 'unsubscribe',
  aliases: ['mute', 'unfollow'],
  usage: 'unsubscribe [subscription id]',
  summary: 'Stops this chat’s notifications (all, or one subscription by id).',
  examples: ['unsubscribe', 'unsubscribe 1f2e3d4c'],
  parse(words) {
    if (words.length > 1)
      return fail('`unsubscribe` takes at most one subscription id (see `subscriptions`).');
    if (words[0] && !/^[A-Za-z0-9_-]{1,64}$/.test(words[0]))
      return fail(`\`${clip(words[0])}\` is not a subscription id (see \`subscriptions\`).`);
    return { ok: true, args: { filterId: words[0] } };
  },
  async run({ filterId }, ctx, deps) {
    const n = await removeSubscriptions(deps.store, {
      conversationId: ctx.conversation.id,
      filterId,
    });
    await audit(deps, ctx, { action: 'unsubscribe', detail: filterId ?? 'all', outcome: 'ok' });
    if (n === 0) {
      return messageReply(
        'default',
        'Nothing to remove',
        filterId
          ? `This chat has no subscription \`${filterId}\`; see \`subscriptions\`.`
          : 'This chat has no subscriptions.',
      );
    }
    return messageReply(
      'good',
      '🔕 Unsubscribed',
      `Removed ${n} subscription${n === 1 ? '' : 's'} from this chat.`,
    );
  },
});

export const subscriptionsCommand = defineCommand<Record<string, never>>({
  name: 'subscriptions',
  aliases: ['subs'],
  usage: 'subscriptions',
  summary: 'Lists what this chat is subscribed to.',
  examples: ['subscriptions'],
  parse: noArgs('subscriptions', {}),
  async run(_args, ctx, deps) {
    const [sub] = await listSubscriptions(deps.store, ctx.conversation.id);
    const rows = (sub?.filters ?? []).map((f) => ({
      cells: [f.id, describeFilter(f), new Date(f.createdAt).toISOString().slice(0, 10)],
    }));
    return {
      card: 'list',
      data: {
        title: '🔔 This chat’s subscriptions',
        subtitle: sub ? `Set up by ${sub.createdBy.name}` : '',
        columns: [
          { title: 'Id', width: 2 },
          { title: 'Notifies about', width: 5 },
          { title: 'Since', width: 2 },
        ],
        rows,
        hasRows: rows.length > 0,
        emptyText: 'None. Add one with `subscribe`.',
        footer: 'Remove with `unsubscribe [id]`.',
      },
    };
  },
});
