import { catalogIndex } from '../catalog/catalog-index';
import type { Decision } from '../auth/authorizer';
import { DevOpsError } from '../devops/devops-port';
import type { CommandDeps } from './command-spec';
import { messageReply } from './message-reply';
import type { Reply } from './reply';

/** A refusal from the Authorizer, saying who can. */
export function refusalReply(decision: Extract<Decision, { allowed: false }>): Reply {
  const who =
    decision.who.length > 0
      ? decision.who.join(', ')
      : 'nobody is configured for this in the catalog';
  return {
    ...messageReply('attention', 'Not allowed', `Sorry, ${decision.reason}.`, {
      facts: [{ title: 'Who can', value: who }],
    }),
    outcome: `refused:${decision.why ?? 'not-allowed'}`,
  };
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

/**
 * An Azure DevOps failure as something a person can act on, with `failed:<code>` as its
 * outcome; anything else is rethrown. `runCommand`/`runCardAction` call it for every handler;
 * a handler calls it itself only to say what it was doing more precisely than its `doing`.
 */
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
  return {
    ...messageReply(
      err.code === 'throttled' || err.code === 'unavailable' ? 'warning' : 'attention',
      DEVOPS_TITLES[err.code],
      `I could not ${doing}: ${err.message} ${advice[err.code]}`,
    ),
    outcome: `failed:${err.code}`,
  };
}

export { audit } from '../use-cases/audit';

/** The catalog environment a pipeline deploys to, if any. */
export function environmentOf(deps: Pick<CommandDeps, 'catalog'>, pipelineKey: string | undefined) {
  const pipeline = catalogIndex(deps.catalog).pipeline(pipelineKey);
  return pipeline?.environment
    ? catalogIndex(deps.catalog).environment(pipeline.environment)
    : undefined;
}
