import type { DevOpsError } from '../devops/devops-port';

/**
 * An Azure DevOps failure a use-case answers itself because it knows what it was doing
 * ("I could not <doing>: …"); every other one is thrown for runCommand/runCardAction.
 * @example { code: 'failed', error, doing: 'approve run 42' }
 */
export type DevOpsFailure = { code: 'failed'; error: DevOpsError; doing: string };
