import { CARD_ACTIONS } from '../../../src/actions/card-actions';
import { messageReply } from '../../../src/commands/message-reply';
import { audit } from '../../../src/core/middleware/audit';
import { aTurn, kit } from '../turn-kit';

describe('audit middleware', () => {
  const { clock } = kit();
  const middleware = audit({ clock, secrets: ['hunter2-secret'] });

  it('records the command by the reply’s outcome code, masking secrets', async () => {
    const turn = aTurn({ text: 'status hunter2-secret' });
    await middleware(turn, async () => {
      turn.command = 'status';
      turn.answer = {
        kind: 'reply',
        reply: { ...messageReply('good', 'x', 'y'), outcome: 'refused:locked' },
      };
    });
    expect(turn.audit).toEqual([
      expect.objectContaining({
        action: 'command:status',
        outcome: 'refused',
        conversationId: 'c-1',
      }),
    ]);
    expect(turn.audit[0]!.detail).not.toContain('hunter2-secret');
  });

  it('falls back to the card colour while a handler sets no outcome; skips usage errors', async () => {
    const refused = aTurn();
    await middleware(refused, async () => {
      refused.command = 'lock';
      refused.answer = { kind: 'reply', reply: messageReply('attention', 'No', 'locked') };
    });
    expect(refused.audit[0]).toMatchObject({ outcome: 'refused' });
    const usage = aTurn();
    await middleware(usage, async () => {
      usage.command = 'deploy';
      usage.answer = {
        kind: 'reply',
        reply: { ...messageReply('warning', 'u', 'u'), outcome: 'usage' },
      };
    });
    expect(usage.audit).toEqual([]);
  });

  it('records a click with its ids, or its refusal', async () => {
    const spec = CARD_ACTIONS[0]!;
    const click = aTurn({ kind: 'cardAction', click: { spec, data: { runId: 9 }, token: 't' } });
    await middleware(click, async () => {
      click.command = spec.verb;
      click.answer = { kind: 'refused', status: 404, message: 'no such run' };
    });
    expect(click.audit[0]).toMatchObject({
      action: `card:${spec.verb}`,
      detail: 'no such run',
      outcome: 'refused',
      runId: 9,
    });
  });
});
