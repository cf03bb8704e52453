import type { Decision } from '../auth/authorizer';
import { maskSecrets } from '../auth/mask-secrets';
import { DevOpsError } from '../devops/devops-port';
import type { AuditRecord } from '../store/store';
import type { CommandContext, CommandDeps } from './command-spec';
import { messageReply } from './message-reply';
import type { Reply } from './reply';

/** A refusal from the Authorizer, saying who can. */
export function refusalReply(decision: Extract<Decision, { allowed: false }>): Reply {
  const who =
    decision.who.length > 0
      ? decision.who.join(', ')
      : 'nobody is configured for this in the catalog';
  return messageReply('attention', 'Not allowed', `Sorry, ${decision.reason}.`, {
    facts: [{ title: 'Who can', value: who }],
  });
}

const DEVOPS_TITLES: Record<DevOpsError['code'], string> = {
  notFound: 'Not found in Azure DevOps',
  forbidden: 'Azure DevOps refused',
  unauthorized: 'Azure DevOps did not accept the bot’s credentials',
  invalidParameter: 'Azure DevOps rejected the request',
  conflict: 'Azure DevOps reports a conflict',
  throttled: 'Azure DevOps is rate-limiting the bot',
  unavailable: 'Azure DevOps is not answering',
};

/** An Azure DevOps failure as something a person can act on; anything else is rethrown. */
export function devopsFailureReply(err: unknown, doing: string): Reply {
  if (!(err instanceof DevOpsError)) throw err;
  const advice: Record<DevOpsError['code'], string> = {
    notFound: 'Check the id and try again.',
    forbidden: 'The identity the bot uses lacks permission; ask a project administrator.',
    unauthorized: 'The bot’s Azure DevOps token may have expired; tell the DevOps team.',
    invalidParameter: 'Fix the value and try again.',
    conflict: 'Someone else may have done it already; check `status`.',
    throttled: `Try again${err.retryAfterSeconds ? ` in ${err.retryAfterSeconds} s` : ' in a minute'}.`,
    unavailable: 'Nothing was changed that I know of; try again in a minute.',
  };
  return messageReply(
    err.code === 'throttled' || err.code === 'unavailable' ? 'warning' : 'attention',
    DEVOPS_TITLES[err.code],
    `I could not ${doing}: ${err.message} ${advice[err.code]}`,
  );
}

/** Appends one audit record for what a person did through the bot. Never throws. */
export async function audit(
  deps: Pick<CommandDeps, 'store' | 'clock' | 'secrets'>,
  ctx: Pick<CommandContext, 'actor' | 'conversation'>,
  record: Omit<AuditRecord, 'actor' | 'at' | 'conversationId'>,
): Promise<void> {
  try {
    await deps.store.appendAudit({
      ...record,
      // Someone may paste a token into chat; the audit log keeps what they did, not the secret.
      // Masked before clipped: a secret cut in half no longer looks like one.
      detail: clipDetail(maskSecrets(record.detail, deps.secrets ?? [])),
      at: deps.clock.now(),
      actor: { id: ctx.actor.id, name: ctx.actor.name },
      conversationId: ctx.conversation.id,
    });
  } catch {
    // The audit log must not turn a done deploy into an error message; the store logs its own failures.
  }
}

/** Longest audit detail kept. */
const MAX_AUDIT_DETAIL = 300;

function clipDetail(detail: string): string {
  return detail.length > MAX_AUDIT_DETAIL ? `${detail.slice(0, MAX_AUDIT_DETAIL)}…` : detail;
}

/** The catalog environment a pipeline deploys to, if any. */
export function environmentOf(deps: Pick<CommandDeps, 'catalog'>, pipelineKey: string | undefined) {
  const pipeline = deps.catalog.pipelines.find((p) => p.key === pipelineKey);
  return pipeline?.environment
    ? deps.catalog.environments.find((e) => e.key === pipeline.environment)
    : undefined;
}
