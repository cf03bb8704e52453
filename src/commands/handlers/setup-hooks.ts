import {
  HooksApiError,
  type HookSubscriptionInfo,
  type HooksPort,
} from '../../devops/hooks-client';
import { HOOK_EVENT_TYPES } from '../../devops/hook-event-types';
import { defineCommand, type CommandDeps } from '../command-spec';
import { audit } from '../handler-kit';
import { messageReply } from '../message-reply';
import { fail } from '../parse-words';

/** What `setup hooks` needs beyond the usual ports (optional: absent = explain what is missing). */
export interface SetupHooksDeps {
  /** The Hooks REST API of the organization. */
  hooks?: HooksPort;
  /** `CHATOPS_PUBLIC_URL`: where Azure DevOps reaches the bot. */
  publicUrl?: string;
  /** `ADO_WEBHOOK_SECRET`: sent back by Azure DevOps as the basic-auth password. */
  webhookSecret?: string;
}

/** The user name Azure DevOps sends with the secret; the route checks only the password. */
export const WEBHOOK_USERNAME = 'ado';

export interface SetupHooksResult {
  created: number;
  existing: number;
  /** Catalog pipelines Azure DevOps does not have (by name). */
  missing: string[];
}

/**
 * Creates the missing Web Hooks subscriptions (idempotent: lists existing ones first).
 * @example await ensureHookSubscriptions(hooks, catalog.pipelines, 'https://bot.example/api/ado-events', secret)
 */
export async function ensureHookSubscriptions(
  hooks: HooksPort,
  pipelines: readonly { key: string; name: string }[],
  targetUrl: string,
  secret: string,
): Promise<SetupHooksResult> {
  const [existing, projectId, known] = await Promise.all([
    hooks.listSubscriptions(),
    hooks.projectId(),
    hooks.listPipelines(),
  ]);
  const has = (eventType: string, pipelineId: string) =>
    existing.some(
      (s: HookSubscriptionInfo) =>
        s.eventType === eventType &&
        s.url.replace(/\/+$/, '') === targetUrl &&
        s.publisherInputs.pipelineId === pipelineId,
    );
  const result: SetupHooksResult = { created: 0, existing: 0, missing: [] };
  for (const pipeline of pipelines) {
    const found = known.find((k) => k.name.toLowerCase() === pipeline.name.toLowerCase());
    if (!found) {
      result.missing.push(pipeline.key);
      continue;
    }
    const pipelineId = String(found.id);
    for (const eventType of HOOK_EVENT_TYPES) {
      if (has(eventType, pipelineId)) {
        result.existing++;
        continue;
      }
      await hooks.createSubscription({
        publisherId: 'pipelines',
        eventType,
        resourceVersion: '5.1-preview.1',
        publisherInputs: { projectId, pipelineId },
        consumerInputs: {
          url: targetUrl,
          basicAuthUsername: WEBHOOK_USERNAME,
          basicAuthPassword: secret,
        },
      });
      result.created++;
    }
  }
  return result;
}

/**
 * `setup hooks` (admins): points Azure DevOps service hooks at this bot's `/api/ado-events`.
 * @example setup hooks
 */
export const setupHooksCommand = defineCommand<Record<string, never>>({
  name: 'setup',
  aliases: ['setup hooks'],
  usage: 'setup hooks',
  summary:
    'Admins: creates the Azure DevOps service hooks that send pipeline events to this bot (safe to repeat).',
  examples: ['setup hooks'],
  parse(words) {
    const rest = words.map((w) => w.toLowerCase());
    if (rest.length === 0 || (rest.length === 1 && rest[0] === 'hooks'))
      return { ok: true, args: {} };
    return fail('`setup` only knows `setup hooks`.', ['setup hooks']);
  },
  async run(_args, ctx, deps: CommandDeps & SetupHooksDeps) {
    const allowed = deps.authorizer.check(ctx.actor, { kind: 'admin' });
    if (!allowed.allowed) {
      await audit(deps, ctx, { action: 'setup-hooks', detail: 'not an admin', outcome: 'refused' });
      return messageReply(
        'attention',
        'Not allowed',
        `Only admins can set up service hooks${allowed.who.length ? ` (${allowed.who.join(', ')})` : ''}.`,
      );
    }
    if (!deps.hooks) {
      return messageReply(
        'warning',
        'Service hooks are not available',
        'This bot has no Azure DevOps Hooks API client configured; run state is polled instead.',
      );
    }
    if (!deps.publicUrl) {
      return messageReply(
        'warning',
        'I need my public URL',
        'Set `CHATOPS_PUBLIC_URL` to the https address Azure DevOps can reach (e.g. `https://chatops.digitre.example`) and restart me, then run `setup hooks` again.',
      );
    }
    if (!deps.webhookSecret) {
      return messageReply(
        'warning',
        'I need a webhook secret',
        'Set `ADO_WEBHOOK_SECRET` (16 characters or more) and restart me, then run `setup hooks` again.',
      );
    }
    const target = `${deps.publicUrl.replace(/\/+$/, '')}/api/ado-events`;
    try {
      const r = await ensureHookSubscriptions(
        deps.hooks,
        deps.catalog.pipelines,
        target,
        deps.webhookSecret,
      );
      await audit(deps, ctx, {
        action: 'setup-hooks',
        detail: `created ${r.created}, existing ${r.existing}, missing ${r.missing.join(',') || 'none'}`,
        outcome: 'ok',
      });
      const facts = [
        { title: 'Target', value: target },
        { title: 'Created', value: String(r.created) },
        { title: 'Already there', value: String(r.existing) },
        ...(r.missing.length > 0
          ? [{ title: 'Not in Azure DevOps', value: r.missing.join(', ') }]
          : []),
      ];
      return messageReply(
        r.missing.length > 0 ? 'warning' : 'good',
        'Service hooks set up',
        r.created > 0
          ? `Azure DevOps now sends run, stage and approval events to me (${r.created} new subscriptions).`
          : 'Everything was already set up; nothing changed.',
        { facts },
      );
    } catch (err) {
      const status = err instanceof HooksApiError ? err.status : undefined;
      await audit(deps, ctx, {
        action: 'setup-hooks',
        detail: String((err as Error).message),
        outcome: 'failed',
      });
      return messageReply(
        'attention',
        'Could not set up service hooks',
        status === 401 || status === 403
          ? 'Azure DevOps refused: my identity needs the "Edit subscriptions" and "View subscriptions" permissions on service hooks.'
          : `Azure DevOps answered: ${err instanceof HooksApiError ? err.message : 'an unexpected error'}. Try again later.`,
      );
    }
  },
});
