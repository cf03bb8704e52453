import type { RunRefusal } from '../use-cases/run-permission';
import { refusalReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';

/**
 * Why a person may not act on a run, as the answer they see, with the refusal's code.
 * @example runRefusalReply(5, { code: 'refused:no-such-run' }).outcome // 'refused:no-such-run'
 */
export function runRefusalReply(runId: number, refusal: RunRefusal): Reply {
  switch (refusal.code) {
    case 'refused:no-such-run':
      return {
        ...messageReply(
          'attention',
          'No such run',
          `Azure DevOps has no run ${runId}. See \`runs\`.`,
        ),
        outcome: refusal.code,
      };
    case 'refused:not-in-catalog':
      return {
        ...messageReply(
          'attention',
          'Not one of mine',
          `Run ${runId} belongs to ${refusal.pipelineName}, which is not in the catalog.`,
        ),
        outcome: refusal.code,
      };
    case 'refused:not-allowed':
      return refusalReply(refusal.decision);
  }
}
