import { renderCard } from '../../../src/cards/render-card';
import { ENGINEER, STRANGER, cardOf, handlerHarness } from './handler-harness';

describe('small talk: a greeting or thanks gets a line back, not the help card', () => {
  it('"hi" greets the person by first name and names a few commands to try', async () => {
    const h = handlerHarness();
    const reply = await h.run('hi', { actor: ENGINEER });
    const msg = cardOf(reply, 'message');
    expect(msg.title).toBe('Hi Eli!');
    expect(msg.icon).toBe('👋');
    expect(msg.text).toBe('Try `status`, `deploy dev`, or `help` for everything.');
    expect(reply.outcome).toBe('ok');
    // One or two lines on screen: the title and the text, no facts, no buttons.
    const card = renderCard('message', msg);
    expect(card.actions ?? []).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('What I can do');
    expect(h.devops.calls).toEqual([]);
  });

  it('"Thanks!" and "thank you very much": you’re welcome', async () => {
    const h = handlerHarness();
    for (const text of ['Thanks!', 'thank you very much', '<at>DigitRE ChatOps</at> cheers']) {
      const msg = cardOf(await h.run(text, { actor: STRANGER }), 'message');
      expect(msg.title).toBe('You’re welcome!');
      expect(msg.text).toBe('Anytime. `help` lists what I can do.');
    }
  });

  it('a name that is an id is not used as one ("Hi!", not "Hi 29:1abc!")', async () => {
    const h = handlerHarness();
    const msg = cardOf(
      await h.run('hello', { actor: { ...ENGINEER, name: '29:1abc' } }),
      'message',
    );
    expect(msg.title).toBe('Hi!');
  });

  it('`help` is still the whole help card', async () => {
    const h = handlerHarness();
    expect((await h.run('help')).card).toBe('help');
  });
});
