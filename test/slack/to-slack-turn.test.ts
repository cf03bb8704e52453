import { blockActionTurn, conversationOf, messageEventTurn } from '../../src/slack/to-slack-turn';

describe('conversationOf', () => {
  it.each([
    ['C0001', 'ml-deploys', undefined, 'channel'],
    ['D0001', 'directmessage', undefined, 'im'],
    ['G0001', 'privategroup', undefined, 'group'],
    ['G0002', 'mpdm-ada--alan-1', undefined, 'mpim'],
    ['C0002', undefined, 'group', 'group'],
    ['D0002', undefined, 'im', 'im'],
    ['C0003', undefined, 'channel', 'channel'],
  ])('%s (%s, %s) is a %s', (id, name, channelType, type) => {
    expect(conversationOf(id, name, channelType)).toEqual({ id, type });
  });
});

describe('messageEventTurn', () => {
  const body = (text: string | undefined, user: string | undefined = 'U1') => ({
    event_id: 'Ev1',
    event: { type: 'app_mention', user, text, channel: 'C1' },
  });

  it('drops every leading mention, and only leading ones', () => {
    const turn = messageEventTurn(body('<@UBOT|digitre> <@UBOT>  deploy dev for <@U2>'));
    expect(turn).toMatchObject({ kind: 'message', text: 'deploy dev for <@U2>' });
  });

  it('gives nothing for an event without a person or a text', () => {
    expect(
      messageEventTurn({ event_id: 'Ev2', event: { type: 'message', text: 'hi', channel: 'C1' } }),
    ).toBeUndefined();
    expect(messageEventTurn(body(undefined))).toBeUndefined();
    const fromABot = body('deploy prod');
    expect(
      messageEventTurn({ ...fromABot, event: { ...fromABot.event, bot_id: 'B9' } }),
    ).toBeUndefined();
  });
});

describe('blockActionTurn', () => {
  const click = (action_id: string, value: string) => ({
    trigger_id: 'tr1',
    user: { id: 'U1', username: 'ada' },
    container: { type: 'message', channel_id: 'D1', message_ts: '17.1' },
    actions: [{ action_id, value }],
  });

  it('gives the card verb and its data, the message to replace, and the trigger id a modal needs', () => {
    expect(blockActionTurn(click('approval.approve', '{"approvalId":"a"}'))).toEqual({
      platform: 'slack',
      kind: 'action',
      deliveryId: 'tr1',
      actor: { slackUserId: 'U1', name: 'ada' },
      conversation: { id: 'D1', type: 'im' },
      actionId: 'approval.approve',
      value: '{"approvalId":"a"}',
      messageTs: '17.1',
      triggerId: 'tr1',
    });
  });

  it('makes a did-you-mean click the person sending that command', () => {
    expect(blockActionTurn(click('command.send:1', 'deploy qa model v3'))).toMatchObject({
      kind: 'message',
      text: 'deploy qa model v3',
    });
  });

  it('gives nothing without an action or a channel', () => {
    expect(blockActionTurn({ ...click('x', 'y'), actions: [] })).toBeUndefined();
    expect(blockActionTurn({ ...click('x', 'y'), container: {} })).toBeUndefined();
  });
});
