import type { ApprovalSummary } from '../devops/devops-port';
import type { Store } from '../store/store';

/** Store collection of the last approval decision per run, key = run id. */
export const RUN_DECISIONS_COLLECTION = 'run-decisions';
const TTL_MS = 30 * 24 * 3600_000;

/** Who decided a run's approval and why, as the requester's notice says it. */
export interface RunDecision {
  status: ApprovalSummary['status'];
  /** The person, not the bot identity that recorded it for them. */
  by: string;
  /** Their own words, without the "Rejected by … via Teams:" the bot adds for Azure DevOps. */
  reason: string;
}

/**
 * The decision in a person's terms: when the bot's identity recorded it, its comment names the
 * person ("Rejected by Rita Release via Teams: metrics regressed").
 * @example decisionOf(approval) // { status: 'rejected', by: 'Rita Release', reason: 'metrics regressed' }
 */
export function decisionOf(approval: ApprovalSummary): RunDecision {
  const comment = approval.comment ?? '';
  const viaTeams =
    /^(?:Approved|Rejected) by (.{1,100}?) via (?:Teams|Slack)(?::\s*([\s\S]*))?$/.exec(comment);
  return {
    status: approval.status,
    by: viaTeams?.[1] ?? approval.decidedBy ?? '',
    reason: (viaTeams ? (viaTeams[2] ?? '') : comment).trim(),
  };
}

/**
 * Remembers a decided approval of a run, for the notice sent when the run ends (its approval is
 * no longer on the run by then).
 * @example await rememberRunDecision(store, decided);
 */
export async function rememberRunDecision(store: Store, approval: ApprovalSummary): Promise<void> {
  if (approval.status === 'pending') return;
  await store.put(RUN_DECISIONS_COLLECTION, String(approval.runId), decisionOf(approval), {
    ttlMs: TTL_MS,
  });
}

/** The last remembered decision of `runId`'s approval, if any. */
export async function getRunDecision(
  store: Store,
  runId: number,
): Promise<RunDecision | undefined> {
  const doc = await store.get<RunDecision>(RUN_DECISIONS_COLLECTION, String(runId));
  return doc?.value;
}

/**
 * Remembers who canceled a run from chat, for its card (Azure DevOps does not say who).
 * @example await rememberCanceledBy(store, 42, ctx.actor.name);
 */
export async function rememberCanceledBy(store: Store, runId: number, by: string): Promise<void> {
  const decision: RunDecision = { status: 'canceled', by, reason: '' };
  await store.put(RUN_DECISIONS_COLLECTION, String(runId), decision, { ttlMs: TTL_MS });
}

/** Who canceled `runId` from chat, if someone did. */
export async function canceledByOf(store: Store, runId: number): Promise<string | undefined> {
  const decision = await getRunDecision(store, runId);
  return decision?.status === 'canceled' ? decision.by : undefined;
}
