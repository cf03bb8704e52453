import { CARD_ACTIONS } from '../../src/actions/card-actions';
import { runCardAction } from '../../src/actions/run-card-action';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { runCommand } from '../../src/commands/run-command';
import { DevOpsError, type DevOpsErrorCode } from '../../src/devops/devops-port';
import { cardOf, ENGINEER, handlerHarness, LEAD } from './handlers/handler-harness';

/** Every Azure DevOps failure code, with the title and advice a person sees for it. */
const CASES: [DevOpsErrorCode, string, 'warning' | 'attention', RegExp][] = [
  ['notFound', 'Not found in Azure DevOps', 'attention', /Check the id and try again\.$/],
  ['forbidden', 'Azure DevOps refused', 'attention', /lacks permission; ask a project/],
  ['unauthorized', 'Azure DevOps did not accept the bot’s credentials', 'attention', /expired/],
  ['invalidParameter', 'Azure DevOps rejected the request', 'attention', /Fix the value/],
  ['conflict', 'Azure DevOps reports a conflict', 'attention', /check `status`\.$/],
  ['throttled', 'Azure DevOps is rate-limiting the bot', 'warning', /Try again in 7 s\.$/],
  ['unavailable', 'Azure DevOps is not answering', 'warning', /try again in a minute\.$/],
];

describe('runCommand: Azure DevOps failures become one answer, here and only here', () => {
  it.each(CASES)('%s → %s', async (code, title, style, advice) => {
    const h = handlerHarness();
    // `logs` has no try/catch of its own: the answer comes from runCommand.
    h.devops.failWith('getRun', new DevOpsError(code, 'TF400898: boom', 7));
    const reply = await h.run('logs 42');
    const msg = cardOf(reply, 'message');
    expect(msg.title).toBe(title);
    expect(msg.style).toBe(style);
    expect(msg.text).toMatch(/^I could not read the logs of run 42: TF400898: boom /);
    expect(msg.text).toMatch(advice);
    expect(reply.outcome).toBe(`failed:${code}`);
  });

  it('says "run `<name>`" for a command that does not say what it was doing', async () => {
    const h = handlerHarness();
    const spec = {
      ...h.registry.find((s) => s.name === 'logs')!,
      doing: undefined,
      run: () => Promise.reject(new DevOpsError('unavailable', 'ECONNRESET')),
    };
    const reply = await runCommand(spec, {}, h.context(LEAD), h.deps());
    expect(cardOf(reply, 'message').text).toMatch(/^I could not run `logs`: ECONNRESET /);
  });

  it('rethrows anything that is not an Azure DevOps failure (a bug is not an answer)', async () => {
    const h = handlerHarness();
    const spec = { ...h.registry[0]!, run: () => Promise.reject(new TypeError('a bug')) };
    await expect(runCommand(spec, {}, h.context(LEAD), h.deps())).rejects.toThrow('a bug');
  });

  it('gives every reply an outcome: ok by default, queued for a queued run', async () => {
    const h = handlerHarness();
    expect((await h.run('whoami')).outcome).toBe('ok');
    expect((await h.run('train')).outcome).toBe('queued');
  });

  it.each([
    ['cancel 999', 'refused:no-such-run', LEAD],
    ['status 999', 'refused:no-such-run', LEAD],
    ['deploy qa model v99', 'refused:model-not-registered', ENGINEER],
    ['deploy prod', 'refused:not-allowed', ENGINEER],
    ['unlock qa', 'refused:not-locked', ENGINEER],
  ] as const)('%s → %s', async (text, outcome, actor) => {
    const h = handlerHarness();
    expect((await h.run(text, { actor })).outcome).toBe(outcome);
  });
});

describe('runCardAction: a failing click answers the person who clicked, once', () => {
  const cancel = CARD_ACTIONS.find((a) => a.verb === CARD_VERBS.cancelRun)!;

  it.each(CASES)('%s → %s', async (code, title) => {
    const h = handlerHarness();
    const run = await h.devops.runPipeline({
      pipelineKey: 'train',
      parameters: {},
      correlationId: `c-${code}`,
    });
    h.devops.failWith('getRun', new DevOpsError(code, 'TF400898: boom', 7));
    const result = await runCardAction(
      cancel,
      { runId: run.id } as never,
      h.context(LEAD),
      h.deps(),
    );
    if (!result.ok) throw new Error(`expected an answer, got ${result.status}`);
    expect(cardOf(result.card, 'message').title).toBe(title);
    expect(cardOf(result.card, 'message').text).toMatch(
      new RegExp(`^I could not cancel run ${run.id}: TF400898: boom `),
    );
    expect(result.card.outcome).toBe(`failed:${code}`);
    // The run's card stays as it is for everyone else.
    expect(result.updateForEveryone).toBe(false);
  });

  it('rethrows anything that is not an Azure DevOps failure', async () => {
    const h = handlerHarness();
    const broken = { ...cancel, run: () => Promise.reject(new TypeError('a bug')) };
    await expect(
      runCardAction(broken, { runId: 1 } as never, h.context(LEAD), h.deps()),
    ).rejects.toThrow('a bug');
  });
});
