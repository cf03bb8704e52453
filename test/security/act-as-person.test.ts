import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CARD_ACTIONS } from '../../src/actions/card-actions';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { SignInRequiredError, UserTokenError } from '../../src/auth/user-token';
import { catalogSchema } from '../../src/catalog/catalog-schema';
import type { CommandContext } from '../../src/commands/command-spec';
import { decideApproval } from '../../src/commands/decide-approval';
import { parseCommand } from '../../src/commands/parse-command';
import type { Reply } from '../../src/commands/reply';
import {
  ENGINEER,
  LEAD,
  STRANGER,
  handlerHarness,
  cardOf,
} from '../commands/handlers/handler-harness';

type Harness = ReturnType<typeof handlerHarness>;
/** The lead's Entra token for Azure DevOps, JWT-shaped: Azure DevOps (and its fake) reads `upn`. */
const USER_ADO_TOKEN = [
  'eyJhbGciOiJub25lIn0',
  Buffer.from(JSON.stringify({ upn: 'devops.lead@digitre.example' })).toString('base64url'),
  'person-ado-token-Qx7',
].join('.');

/** A lazy identity that counts its calls, like the bot's `actAsPerson`. */
function person(result: () => Promise<{ bearerToken: string }>) {
  const fn = jest.fn(result);
  return fn;
}

async function runAs(h: Harness, text: string, ctx: CommandContext): Promise<Reply> {
  const parsed = parseCommand(text, h.registry, { catalog: h.catalog });
  if (!parsed.ok) throw new Error(parsed.error.problem);
  return parsed.spec.run(parsed.args, ctx, h.deps());
}

async function waitingProdRun(h: Harness) {
  const run = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
  const approval = h.devops.advance(run.id, 'waiting')!;
  await h.rememberRun(run.id, ENGINEER, { model: '3' });
  h.resetCalls();
  return { run, approval };
}

describe('acting as the person: who acts in Azure DevOps (policy)', () => {
  it('with a sign-in connection, approve decides with the person’s token and audits it', async () => {
    const h = handlerHarness();
    const { run, approval } = await waitingProdRun(h);
    const actAsPerson = person(async () => ({ bearerToken: USER_ADO_TOKEN }));
    await runAs(h, 'approve prod looks fine', { ...h.context(LEAD), actAsPerson });

    expect(actAsPerson).toHaveBeenCalledTimes(1);
    const decide = h.devops.calls.find((c) => c.method === 'decideApproval')!;
    // Azure DevOps records the person; the comment need not name them.
    expect(decide.args).toEqual([
      approval.id,
      'approved',
      'Approved via Teams: looks fine',
      { bearerToken: USER_ADO_TOKEN },
    ]);
    const [entry] = await h.store.queryAudit();
    expect(entry).toMatchObject({ action: 'approve', outcome: 'ok', runId: run.id });
    expect(entry!.detail).toBe(`run ${run.id} (as the person): looks fine`);
    expect(JSON.stringify(await h.store.queryAudit())).not.toContain(USER_ADO_TOKEN);
  });

  it('without a connection nothing changes: the bot identity decides and the comment names the person', async () => {
    const h = handlerHarness();
    const { run } = await waitingProdRun(h);
    await runAs(h, 'reject prod metrics regressed', h.context(LEAD));
    const decide = h.devops.calls.find((c) => c.method === 'decideApproval')!;
    expect(decide.args).toEqual([
      expect.any(String),
      'rejected',
      'Rejected by Dana Lead via Teams: metrics regressed',
      undefined,
    ]);
    const [entry] = await h.store.queryAudit();
    expect(entry!.detail).toBe(`run ${run.id} (as the bot identity): metrics regressed`);
  });

  it('not signed in: the approval is left pending (no fallback to the bot identity)', async () => {
    const h = handlerHarness();
    await waitingProdRun(h);
    const actAsPerson = person(async () => {
      throw new SignInRequiredError();
    });
    await expect(
      runAs(h, 'approve prod', { ...h.context(LEAD), actAsPerson }),
    ).rejects.toBeInstanceOf(SignInRequiredError);
    expect(h.methods()).not.toContain('decideApproval');
    expect(h.devops.allApprovals()[0]!.status).toBe('pending');
  });

  it('Entra ID refusing the exchange surfaces as UserTokenError, nothing decided', async () => {
    const h = handlerHarness();
    await waitingProdRun(h);
    const actAsPerson = person(async () => {
      throw new UserTokenError('consentRequired', 'consent needed');
    });
    await expect(
      runAs(h, 'approve prod', { ...h.context(LEAD), actAsPerson }),
    ).rejects.toMatchObject({ code: 'consentRequired' });
    expect(h.devops.allApprovals()[0]!.status).toBe('pending');
  });

  it('a non-approver is refused before any sign-in is asked for', async () => {
    const h = handlerHarness();
    await waitingProdRun(h);
    const actAsPerson = person(async () => ({ bearerToken: USER_ADO_TOKEN }));
    const reply = await runAs(h, 'approve prod', { ...h.context(STRANGER), actAsPerson });
    expect(reply.card).toBe('message');
    expect(actAsPerson).not.toHaveBeenCalled();
  });

  it('the approve button acts as the person too', async () => {
    const h = handlerHarness();
    const { run, approval } = await waitingProdRun(h);
    const actAsPerson = person(async () => ({ bearerToken: USER_ADO_TOKEN }));
    const spec = CARD_ACTIONS.find((a) => a.verb === CARD_VERBS.approve)!;
    const result = await spec.run(
      { approvalId: approval.id, runId: run.id } as never,
      { ...h.context(LEAD), actAsPerson },
      h.deps(),
    );
    expect(result.ok).toBe(true);
    const decide = h.devops.calls.find((c) => c.method === 'decideApproval')!;
    expect(decide.args[3]).toEqual({ bearerToken: USER_ADO_TOKEN });
  });

  it('deploys act as the person only where the catalog says actAsUser.deploy', async () => {
    const h = handlerHarness();
    const actAsPerson = person(async () => ({ bearerToken: USER_ADO_TOKEN }));
    await runAs(h, 'deploy custom-qa model v2', { ...h.context(ENGINEER), actAsPerson });
    expect(actAsPerson).not.toHaveBeenCalled();
    expect(h.devops.calls.find((c) => c.method === 'runPipeline')!.args[1]).toBeUndefined();

    h.catalog.environments.find((e) => e.key === 'custom-qa')!.actAsUser = { deploy: true };
    h.resetCalls();
    await runAs(h, 'deploy custom-qa model v2', { ...h.context(ENGINEER), actAsPerson });
    expect(actAsPerson).toHaveBeenCalledTimes(1);
    expect(h.devops.calls.find((c) => c.method === 'runPipeline')!.args[1]).toEqual({
      bearerToken: USER_ADO_TOKEN,
    });
    const [entry] = await h.store.queryAudit();
    expect(entry!.detail).toMatch(/\(as the person\)$/);
  });

  it('a prod deploy signs in before asking to confirm, and the Confirm click before using it up', async () => {
    const h = handlerHarness();
    h.catalog.environments.find((e) => e.key === 'prod')!.actAsUser = { deploy: true };
    const notSignedIn = person(async () => {
      throw new SignInRequiredError();
    });
    await expect(
      runAs(h, 'deploy prod v3', { ...h.context(LEAD), actAsPerson: notSignedIn }),
    ).rejects.toBeInstanceOf(SignInRequiredError);
    expect(await h.store.list('confirmations')).toHaveLength(0);

    const actAsPerson = person(async () => ({ bearerToken: USER_ADO_TOKEN }));
    const ctx = { ...h.context(LEAD), actAsPerson };
    const ask = await runAs(h, 'deploy prod v3', ctx);
    expect(ask.card).toBe('confirm');
    const { confirmationId } = cardOf(ask, 'confirm').confirmData as { confirmationId: string };
    const confirm = CARD_ACTIONS.find((a) => a.verb === CARD_VERBS.confirm)!;

    // The Confirm click of someone whose sign-in lapsed: refused before the confirmation is used.
    await expect(
      confirm.run({ confirmationId } as never, { ...ctx, actAsPerson: notSignedIn }, h.deps()),
    ).rejects.toBeInstanceOf(SignInRequiredError);
    h.resetCalls();
    const result = await confirm.run({ confirmationId } as never, ctx, h.deps());
    expect(result.ok).toBe(true);
    expect(h.devops.calls.find((c) => c.method === 'runPipeline')!.args[1]).toEqual({
      bearerToken: USER_ADO_TOKEN,
    });
  });

  it('the catalog schema accepts actAsUser.deploy and refuses unknown keys', () => {
    const raw = parseYaml(readFileSync(join(__dirname, '../../config/digitre.yaml'), 'utf8')) as {
      environments: Record<string, unknown>[];
    };
    const withOption = (actAsUser: unknown) =>
      catalogSchema.safeParse({
        ...raw,
        environments: raw.environments.map((e) => (e.key === 'prod' ? { ...e, actAsUser } : e)),
      });
    const ok = withOption({ deploy: true });
    expect(ok.success).toBe(true);
    expect(ok.data?.environments.find((e) => e.key === 'prod')?.actAsUser).toEqual({
      deploy: true,
    });
    expect(withOption({ deploy: 'yes' }).success).toBe(false);
    expect(withOption({ approve: false }).success).toBe(false);
  });
});

describe('decideApproval keeps the person’s token out of what it returns', () => {
  it('the reply card carries no token', async () => {
    const h = handlerHarness();
    await waitingProdRun(h);
    const reply = await decideApproval(
      { target: { environment: 'prod' }, decision: 'approved', comment: '' },
      { ...h.context(LEAD), actAsPerson: async () => ({ bearerToken: USER_ADO_TOKEN }) },
      h.deps(),
    );
    expect(JSON.stringify(reply)).not.toContain(USER_ADO_TOKEN);
  });
});
