import { HooksApiError, type HooksPort } from './hooks-client';

/**
 * Start-up check: a wrong ADO_PROJECT stops the bot with a clear message instead of giving empty
 * lists later. Only a definite "no such project" stops it; anything else (network, throttling) is
 * logged and left to the first real call.
 * @example await checkProjectExists(hooks, { orgUrl, project, warn: (m) => logger.warn(m) });
 */
export async function checkProjectExists(
  hooks: Pick<HooksPort, 'projectId'>,
  opts: { orgUrl: string; project: string; warn: (message: string) => void },
): Promise<void> {
  try {
    await hooks.projectId();
  } catch (err) {
    if (err instanceof HooksApiError && err.status === 404) {
      throw new Error(
        `ADO_PROJECT "${opts.project}" does not exist in ${opts.orgUrl}: set it to the project that holds the pipelines (npm run doctor checks the whole setup)`,
      );
    }
    opts.warn(`could not check ADO_PROJECT at start-up: ${(err as Error).message}`);
  }
}
