import { SignInRequiredError, UserTokenError } from '../../auth/user-token';
import { messageReply } from '../../commands/message-reply';
import { auditEntry } from '../audit-entry';
import type { Turn, TurnMiddleware, TurnSignIn } from '../turn';
import { contextOf } from '../turn';

const SIGN_IN_TEXT = 'Sign in so I can act as you in Azure DevOps';

type Deps = { clock: { now(): number }; secrets?: readonly string[] };

/**
 * Acting as the person. A click the platform retried after a sign-in brings the person's token;
 * a command that must act as the person and cannot yet is audited and answered with a sign-in
 * (a message is remembered and runs after it). A resumed message, or a click that has just
 * signed in, never asks again, so single sign-on cannot loop.
 * @example composeTurnPipeline([…, cardToken(deps), signIn(deps), …])
 */
export function signIn(deps: Deps): TurnMiddleware {
  return async (turn, next) => {
    const person = turn.capabilities.signIn;
    if (!person) {
      await next();
      return;
    }
    const retried = turn.click?.signIn;
    if (retried) {
      const token = await person.tokenFor(retried);
      if (!token) {
        turn.undone = true;
        turn.answer = retried.ssoToken
          ? { kind: 'refused', status: 412, message: 'Failed to exchange token' }
          : {
              kind: 'refused',
              status: 401,
              message: 'That sign-in did not complete; click again to retry.',
            };
        return;
      }
      turn.userToken = token;
      contextOf(turn).actAsPerson = person.actAsPerson(token);
    }
    try {
      await next();
    } catch (err) {
      if (!(err instanceof SignInRequiredError || err instanceof UserTokenError)) throw err;
      if (turn.kind === 'message') await askForMessage(turn, person, err, deps);
      else await askForClick(turn, person, err, deps);
    }
  };
}

async function askForMessage(
  turn: Turn,
  person: TurnSignIn,
  err: SignInRequiredError | UserTokenError,
  deps: Deps,
): Promise<void> {
  const text = turn.text ?? '';
  const needsSignIn = err instanceof SignInRequiredError || err.code !== 'unavailable';
  turn.audit.push(
    auditEntry(turn, deps, {
      action: `command:${text.trim().split(/\s+/)[0]?.toLowerCase().slice(0, 40) ?? ''}`,
      detail: `${text} (${needsSignIn ? 'sign-in needed' : err.message})`,
      outcome: 'refused',
    }),
  );
  if (!needsSignIn || turn.resumed) {
    turn.answer = {
      kind: 'reply',
      reply: messageReply('attention', 'I could not act as you', err.message),
    };
    return;
  }
  try {
    // Entra ID refused the token it had: forget it, so the sign-in yields a fresh one.
    if (err instanceof UserTokenError) await person.signOut();
    const why = err instanceof UserTokenError ? `${err.message} ` : '';
    turn.answer = await person.askForMessage(
      { text, activityId: contextOf(turn).activityId },
      `${why}${SIGN_IN_TEXT}; then I will run \`${text.trim().slice(0, 100)}\`.`,
    );
  } catch (cardErr) {
    if (!(cardErr instanceof UserTokenError)) throw cardErr;
    turn.answer = {
      kind: 'reply',
      reply: messageReply('warning', 'Sign-in is not available', cardErr.message),
    };
  }
}

async function askForClick(
  turn: Turn,
  person: TurnSignIn,
  err: SignInRequiredError | UserTokenError,
  deps: Deps,
): Promise<void> {
  const click = turn.click!;
  turn.audit.push(
    auditEntry(turn, deps, {
      action: `card:${click.spec.verb}`,
      detail: err instanceof SignInRequiredError ? 'sign-in needed' : err.message,
      outcome: 'refused',
      runId: (click.data as { runId?: number }).runId,
    }),
  );
  // Nothing happened: the click the platform retries after signing in must not count as a duplicate.
  turn.undone = true;
  if (err instanceof UserTokenError && (err.code === 'unavailable' || turn.userToken)) {
    // Just signed in and Entra ID still refuses: say so instead of asking again (no SSO loop).
    turn.answer = {
      kind: 'refused',
      status: err.code === 'unavailable' ? 503 : 403,
      message: err.message,
    };
    return;
  }
  if (err instanceof UserTokenError) await person.signOut();
  try {
    turn.answer = await person.askForClick(
      err instanceof SignInRequiredError ? `${SIGN_IN_TEXT}.` : `${err.message} ${SIGN_IN_TEXT}.`,
    );
  } catch (cardErr) {
    if (!(cardErr instanceof UserTokenError)) throw cardErr;
    turn.answer = { kind: 'refused', status: 503, message: cardErr.message };
  }
}
