import { STRANGER, cardOf, handlerHarness } from './handler-harness';

describe('help', () => {
  it('help lists every command in the registry', async () => {
    const h = handlerHarness();
    const card = cardOf(await h.run('help'), 'help');
    expect(card.commands.map((c) => c.usage)).toEqual(h.registry.map((s) => s.usage));
    // The same for everyone: built once per registry, shared and frozen.
    const again = await h.run('help', { actor: STRANGER });
    expect(again).toBe(await h.run('help'));
    expect(Object.isFrozen(again.data)).toBe(true);
  });

  it('help deploy explains deploy with its examples and aliases', async () => {
    const h = handlerHarness();
    const card = cardOf(await h.run('help deploy'), 'help');
    expect(card.title).toBe('help deploy');
    expect(card.intro).toMatch(/Also: `ship`, `release`\./);
    expect(card.commands[0]!.example).toMatch(/deploy custom-qa model v3/);
  });

  it('help <unknown> suggests the closest command', async () => {
    const h = handlerHarness();
    const card = cardOf(await h.run('help deplyo'), 'help');
    expect(card.intro).toBe('There is no command `deplyo`. Did you mean `deploy`?');
  });
});
