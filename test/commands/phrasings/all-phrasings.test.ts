import { DEPLOY_CASES, DECISION_CASES } from './deploy-cases';
import { RUN_CASES } from './run-cases';
import { LOOK_CASES, LOCK_CASES, SUBSCRIPTION_CASES } from './look-cases';
import { MESSY_CASES } from './messy-cases';
import { CONVERSATION_CASES } from './conversation-cases';
import { parse, registry, type Case } from './phrasing-table';

const all: Case[] = [
  ...CONVERSATION_CASES,
  ...DEPLOY_CASES,
  ...DECISION_CASES,
  ...RUN_CASES,
  ...LOOK_CASES,
  ...LOCK_CASES,
  ...SUBSCRIPTION_CASES,
  ...MESSY_CASES,
];

describe('parseCommand: the phrasing table as a whole, and what is echoed', () => {
  it('has at least 300 phrasings and touches every command in the registry', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    const parsedNames = new Set(
      all.flatMap(([, e]) => ('cmd' in e ? [e.cmd] : e.command ? [e.command] : [])),
    );
    expect(registry.map((s) => s.name).filter((n) => !parsedNames.has(n))).toEqual([]);
  });

  // Bug in src/commands/handlers/lists.ts (parseRuns): a second count silently replaces the first.
  it('"runs prod 5 6" is a usage error, not 6 runs', () => {
    expect(parse('runs prod 5 6').ok).toBe(false);
  });

  it.each([
    'deploy qa branch a<b>c',
    'deploy qa branch a`b',
    'deploy qa *bold*',
    'run train experimentName=[x](http://evil)',
    'deploy qa branch &lt;img&gt;',
  ])('%j: the echoed word carries no markup that could break a card', (text) => {
    const r = parse(text);
    if (r.ok) throw new Error('expected a usage error');
    const echoed = /`([^`]*)`/.exec(r.error.problem)![1]!;
    expect(echoed).not.toMatch(/[<>`]/);
  });

  // "Did you mean" buttons send a whole command: the guess put where the typo was, every
  // other word as typed.
  it.each([
    ['deploy prdo v3', ['deploy prod v3']],
    ['deploy to prdo Model v3', ['deploy to prod Model v3']],
    ['stauts prod', ['run prod', 'status prod']],
    ['run extract-prepare computname=Digitre-GPU', ['run extract-prepare computeName=Digitre-GPU']],
    ['pelase deploy qa', ['deploy qa']],
    ['hlep', ['help']],
  ])('%j offers the buttons %j', (text, commands) => {
    const r = parse(text);
    if (r.ok) throw new Error('expected a usage error');
    expect(r.error.commands).toEqual(commands);
  });

  it.each([
    ['deploy prod v3 branch BAD_Name!x', 'BAD_Name!x'],
    ['run [QA]-Deploy-X', '[QA]-Deploy-X'],
    ['deploy qa *bold*', '*bold*'],
  ])('%j echoes %j exactly as typed', (text, word) => {
    const r = parse(text);
    if (r.ok) throw new Error('expected a usage error');
    expect(r.error.problem).toContain(`\`${word}\``);
  });
});
