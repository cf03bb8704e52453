import { classifyError } from '../devops/classify-error';
import { describe, type DoctorCheck } from './doctor-check';

/**
 * Access the bot needs, probed with a call that changes nothing (a deliberately empty body).
 * @example checks.push(await probeAccess('Access: approve', () => emptyPatch(), 'Pipeline Resources (Use)'));
 */
export async function probeAccess(
  check: string,
  call: () => Promise<unknown>,
  scope: string,
): Promise<DoctorCheck> {
  try {
    await call();
    return { check, ok: true, detail: 'allowed' };
  } catch (err) {
    const status = classifyError(err).status;
    // The call is deliberately empty: a 400 means the service checked the body, so access passed.
    if (status === 400) return { check, ok: true, detail: 'allowed' };
    return {
      check,
      ok: false,
      detail: `refused: ${describe(err)}`,
      fix: `Give the PAT the ${scope} scope (User settings > Personal access tokens > Edit).`,
    };
  }
}
