import { catalogIndex } from '../catalog/catalog-index';
import type { RetryOutcome, StartRetry } from '../use-cases/retry-run';
import type { CommandContext, CommandDeps } from './command-spec';
import { runPipeline } from './handlers/run';
import { messageReply } from './message-reply';
import { parseParameters } from './parse-words';
import type { Reply } from './reply';
import { runRefusalReply } from './run-refusal-reply';

/**
 * A retry's outcome as the answer: the new run's card (marked as a retry), or why not. Used
 * by the `retry` command and the card's Retry button alike.
 * @example retryReply(5, await retryRun(5, ctx, deps, startRetry(5, ctx, deps)))
 */
export function retryReply(runId: number, outcome: RetryOutcome<Reply>): Reply {
  switch (outcome.code) {
    case 'refused:still-running':
      return {
        ...messageReply(
          'default',
          `Run ${runId} is still going`,
          'Retry it once it has finished, or `cancel` it first.',
        ),
        outcome: outcome.code,
      };
    case 'already-retried':
      return {
        ...messageReply(
          'default',
          `Run ${runId} was already retried as #${outcome.retryRunId}`,
          `See \`status ${outcome.retryRunId}\`; to run it yet again, \`retry ${outcome.retryRunId}\` once it has finished.`,
        ),
        outcome: 'refused:already-retried',
      };
    case 'refused:retry-in-progress':
      return {
        ...messageReply(
          'default',
          `Run ${runId} is being retried`,
          'Someone just asked for it; its card follows.',
        ),
        outcome: outcome.code,
      };
    case 'not-started':
      return outcome.answer;
    case 'started': {
      const reply = outcome.answer;
      if (reply.card !== 'run-status') return reply;
      const requestedBy = `${reply.data.requestedBy} · retry of #${runId}`;
      return { ...reply, data: { ...reply.data, requestedBy } };
    }
    default:
      return runRefusalReply(runId, outcome);
  }
}

/**
 * How a retry starts: like a typed `run`, its parameters checked against the catalog like
 * typed ones (a value the catalog refuses is not forwarded because Azure DevOps once took it).
 * @example await retryRun(5, ctx, deps, startRetry(5, ctx, deps))
 */
export function startRetry(
  runId: number,
  ctx: CommandContext,
  deps: CommandDeps,
): StartRetry<Reply> {
  return async (request, retryCtx) => {
    const pipeline = catalogIndex(deps.catalog).requirePipeline(request.pipelineKey);
    const checked = parseParameters(
      Object.entries(request.parameters).map(([name, value]) => `${name}=${value}`),
      pipeline,
    );
    if (!checked.ok) {
      return {
        ...messageReply(
          'attention',
          `Run ${runId} cannot be retried as it was`,
          `${checked.error.problem} Start it again with values the catalog allows.`,
        ),
        outcome: 'refused:parameters',
      };
    }
    return runPipeline(
      { pipelineKey: pipeline.key, branch: request.branch, parameters: checked.args },
      { ...ctx, activityId: retryCtx.activityId },
      deps,
      `retry ${runId}`,
    );
  };
}
