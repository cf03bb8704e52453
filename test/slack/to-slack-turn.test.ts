import { conversationOf, messageEventTurn } from '../../src/slack/to-slack-turn';

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
  });
});
