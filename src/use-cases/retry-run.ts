import { readRunToActOn, type RunRefusal } from './run-permission';
import { getRunRecord, saveRunRecord } from './run-record';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

/** What starting the retry needs: the run's pipeline, branch and catalog-declared parameters. */
export interface RetryRequest {
  pipelineKey: string;
  branch: string;
  parameters: Record<string, string>;
}

/**
 * Starts the retry the way a typed `run` would (checks, confirmation for prod, queueing) and
 * answers with `runId` set to the new run when one was queued.
 */
export type StartRetry<A extends { runId?: number }> = (
  request: RetryRequest,
  ctx: UseCaseContext,
) => Promise<A>;

/**
 * What a retry came to. `started`: a new run was queued as `retryRunId`; `not-started`: the
 * start answered without queueing (a refusal, prod's confirmation), so the next ask may retry;
 * `already-retried`: someone retried it before, as `retryRunId`.
 */
export type RetryOutcome<A> =
  | RunRefusal
  | { code: 'refused:still-running' }
  | { code: 'already-retried'; retryRunId: number }
  | { code: 'refused:retry-in-progress' }
  | { code: 'started'; retryRunId: number; answer: A }
  | { code: 'not-started'; answer: A };

/** Store collection of retries, key = `retry:<run id>`. */
export const RETRIES_COLLECTION = 'retries';
const RETRIES = RETRIES_COLLECTION;
/** As long as run records: a run is retried once in its lifetime through the bot. */
const RETRY_TTL_MS = 90 * 24 * 3600_000;

interface RetryDoc {
  at: number;
  retryRunId?: number;
}

/**
 * Retry a finished run with the same parameters and branch, once per run whoever asks and
 * however often (clicks, a typed `retry`, replicas). Azure DevOps failures are thrown.
 *
 * @example
 * const outcome = await retryRun(1234, ctx, deps, (request, c) => runPipeline(request, c, deps, 'retry 1234'));
 * if (outcome.code === 'started') outcome.retryRunId // 1240
 */
export async function retryRun<A extends { runId?: number }>(
  runId: number,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
  start: StartRetry<A>,
): Promise<RetryOutcome<A>> {
  const checked = await readRunToActOn(runId, ctx, deps, 'retry');
  if (checked.code !== 'allowed') return checked;
  if (checked.run.state !== 'completed') return { code: 'refused:still-running' };
  const done = await retriedAs(runId, deps);
  if (done !== undefined) return { code: 'already-retried', retryRunId: done };
  const key = `retry:${runId}`;
  const claim = await deps.store.put<RetryDoc>(
    RETRIES,
    key,
    { at: deps.clock.now() },
    { etag: null, ttlMs: RETRY_TTL_MS },
  );
  if (!claim.ok) {
    const now = await retriedAs(runId, deps);
    return now !== undefined
      ? { code: 'already-retried', retryRunId: now }
      : { code: 'refused:retry-in-progress' };
  }
  let answer: A;
  try {
    const record = await getRunRecord(deps.store, runId);
    const { pipeline, run } = checked;
    const asRun = record?.parameters ?? run.parameters;
    // Only what the catalog lets chat set; the pipeline's own defaults fill the rest. The start
    // checks the values like typed ones (one Azure DevOps once took is not forwarded blindly).
    const parameters = Object.fromEntries(
      Object.entries(asRun).filter(([name]) => pipeline.parameters.some((p) => p.name === name)),
    );
    const branch = record?.branch ?? run.branch.replace(/^refs\/heads\//, '');
    // Its own correlation id, the same for every ask of this retry.
    answer = await start(
      { pipelineKey: pipeline.key, branch, parameters },
      { ...ctx, activityId: `retry-of-${runId}` },
    );
  } catch (err) {
    await deps.store.delete(RETRIES, key);
    throw err;
  }
  if (answer.runId === undefined || answer.runId === runId) {
    // Refused, or a question (prod's confirmation): nothing queued yet, so the next ask may.
    await deps.store.delete(RETRIES, key);
    return { code: 'not-started', answer };
  }
  const retryRunId = answer.runId;
  await deps.store.put<RetryDoc>(
    RETRIES,
    key,
    { at: deps.clock.now(), retryRunId },
    { ttlMs: RETRY_TTL_MS },
  );
  const retried = await getRunRecord(deps.store, retryRunId);
  if (retried) await saveRunRecord(deps.store, { ...retried, retryOf: runId });
  return { code: 'started', retryRunId, answer };
}

/**
 * The run a retry of `runId` queued, when there was one: the failed run's card says so instead
 * of offering Retry again.
 * @example await retriedAs(1234, deps) // 1240
 */
export async function retriedAs(
  runId: number,
  deps: Pick<UseCaseDeps, 'store'>,
): Promise<number | undefined> {
  const doc = await deps.store.get<RetryDoc>(RETRIES, `retry:${runId}`);
  return doc?.value.retryRunId;
}
