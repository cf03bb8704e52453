import { SignInRequiredError, UserTokenError } from '../../../src/auth/user-token';
import { CARD_ACTIONS } from '../../../src/actions/card-actions';
import { signIn } from '../../../src/core/middleware/sign-in';
import type { TurnSignIn } from '../../../src/core/turn';
import { aTurn, kit } from '../turn-kit';

describe('sign-in middleware', () => {
  const person = (over: Partial<TurnSignIn> = {}): TurnSignIn => ({
    actAsPerson: () => undefined,
    tokenFor: async () => 'user-token',
    signOut: jest.fn(async () => undefined),
    askForMessage: jest.fn(async () => ({ kind: 'platform', payload: 'sign-in card' }) as const),
    askForClick: jest.fn(async () => ({ kind: 'platform', payload: 'login request' }) as const),
    ...over,
  });
  const needsSignIn = async () => {
    throw new SignInRequiredError();
  };
  const { clock } = kit();
  const middleware = signIn({ clock });

  it('answers a message that must act as the person with the sign-in card, audited', async () => {
    const p = person();
    const turn = aTurn({ text: 'deploy qa', capabilities: { signIn: p } });
    turn.ctx = { actor: turn.actor, conversation: turn.conversation, activityId: 'a-1' };
    await middleware(turn, needsSignIn);
    expect(turn.answer).toEqual({ kind: 'platform', payload: 'sign-in card' });
    expect(p.askForMessage).toHaveBeenCalledWith(
      { text: 'deploy qa', activityId: 'a-1' },
      expect.stringContaining('deploy qa'),
    );
    expect(turn.audit[0]).toMatchObject({ action: 'command:deploy', outcome: 'refused' });
  });

  it('never asks again for a resumed message (no sign-in loop)', async () => {
    const p = person();
    const turn = aTurn({ resumed: true, capabilities: { signIn: p } });
    turn.ctx = { actor: turn.actor, conversation: turn.conversation };
    await middleware(turn, needsSignIn);
    expect(JSON.stringify(turn.answer)).toContain('I could not act as you');
    expect(p.askForMessage).not.toHaveBeenCalled();
  });

  it('answers a click with a login request and leaves it undone; signs out a refused token', async () => {
    const p = person();
    const spec = CARD_ACTIONS[0]!;
    const turn = aTurn({
      kind: 'cardAction',
      click: { spec, data: { runId: 1 }, token: 't' },
      capabilities: { signIn: p },
    });
    turn.ctx = { actor: turn.actor, conversation: turn.conversation };
    await middleware(turn, async () => {
      throw new UserTokenError('consentRequired', 'Entra refused it');
    });
    expect(turn.answer).toEqual({ kind: 'platform', payload: 'login request' });
    expect(turn.undone).toBe(true);
    expect(p.signOut).toHaveBeenCalled();
  });

  it('refuses a retried click whose SSO token does not exchange with 412', async () => {
    const spec = CARD_ACTIONS[0]!;
    const turn = aTurn({
      kind: 'cardAction',
      click: { spec, data: { runId: 1 }, token: 't', signIn: { ssoToken: 'sso' } },
      capabilities: { signIn: person({ tokenFor: async () => undefined }) },
    });
    const next = jest.fn();
    await middleware(turn, next);
    expect(next).not.toHaveBeenCalled();
    expect(turn.answer).toMatchObject({ kind: 'refused', status: 412 });
  });

  it('lets other errors through', async () => {
    const turn = aTurn({ capabilities: { signIn: person() } });
    await expect(
      middleware(turn, async () => {
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
  });
});
