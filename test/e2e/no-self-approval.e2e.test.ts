import { join } from 'node:path';
import type { Actor } from '../../src/auth/actor';
import { CatalogAuthorizer } from '../../src/auth/authorizer';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { systemClock } from '../../src/clock/clock';
import type { CommandContext, CommandDeps } from '../../src/commands/command-spec';
import { createRegistry } from '../../src/commands/create-registry';
import { parseCommand } from '../../src/commands/parse-command';
import type { Reply } from '../../src/commands/reply';
import { queueRun } from '../../src/commands/run-plan';
import { getRunRecord } from '../../src/use-cases/run-record';
import { createAdoDevOps, type AdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { MemoryStore } from '../../src/store/memory-store';
import { unsignedJwt } from '../support/unsigned-jwt';

/**
 * Prod says `noSelfApproval: true`. Through the real handlers, the real azure-devops-node-api
 * client and the emulator (which records who each run is for, as Azure DevOps does): a person
 * cannot approve a run they asked for, however it was queued, and the bot refuses when it
 * cannot tell who asked.
 */

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

/** Prod's deployer and approver (config/digitre.yaml), as Teams shows him with an object id. */
const LEAD: Actor = {
  id: '6a1b2c3d-0000-4000-8000-00000000a1e1',
  name: 'Dana Lead',
  upn: 'devops.lead@digitre.example',
  aadObjectId: '6a1b2c3d-0000-4000-8000-00000000a1e1',
  teamsId: '29:lead',
};
/** The other prod approver. */
const RELEASE: Actor = {
  id: '7b2c3d4e-0000-4000-8000-0000000000b2',
  name: 'Rae Release',
  upn: 'release.manager@digitre.example',
  aadObjectId: '7b2c3d4e-0000-4000-8000-0000000000b2',
  teamsId: '29:rm',
};

describe('no self-approval of prod, through Azure DevOps (emulator)', () => {
  let emu: Emulator;
  let devops: AdoDevOps;
  let store: MemoryStore;
  let deps: CommandDeps;
  let activity = 0;

  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 15, serviceIdentityIsApprover: true });
    devops = createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog,
      auth: { pat: emu.pat },
    });
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(() => {
    store = new MemoryStore();
    deps = {
      catalog,
      devops,
      store,
      clock: systemClock,
      authorizer: new CatalogAuthorizer(catalog, { localMode: false }),
      registry: createRegistry(),
      localMode: false,
    };
  });

  const context = (actor: Actor): CommandContext => ({
    actor,
    conversation: { id: '19:ops@thread.tacv2', type: 'channel', channelId: '19:ops@thread.tacv2' },
    activityId: `nsa-${++activity}`,
  });

  async function say(text: string, actor: Actor): Promise<Reply> {
    const parsed = parseCommand(text, deps.registry, { catalog });
    if (!parsed.ok) throw new Error(`"${text}" did not parse`);
    return parsed.spec.run(parsed.args, context(actor), deps);
  }

  /** Resolves once the run waits at its prod approval; the approval id. */
  async function waitingApproval(runId: number): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const [pending] = await devops.pendingApprovals({ runId });
      if (pending) return pending.id;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${runId} never waited for approval`);
  }

  const statusOf = async (approvalId: string) => (await devops.getApproval(approvalId))?.status;
  const textOf = (reply: Reply) => JSON.stringify(reply.data);

  it('(a) a run queued in Azure DevOps by an approver (the portal): their `approve <id>` is refused', async () => {
    const asLead = {
      bearerToken: unsignedJwt({
        oid: LEAD.aadObjectId,
        upn: LEAD.upn,
        name: LEAD.name,
        exp: Math.floor(Date.now() / 1000) + 3600,
      }),
    };
    const run = await devops.runPipeline(
      { pipelineKey: 'prod', parameters: { modelVersion: '3' }, correlationId: 'portal-1' },
      asLead,
    );
    const approvalId = await waitingApproval(run.id);
    expect(await getRunRecord(store, run.id)).toBeUndefined();

    const refused = await say(`approve ${run.id} looks fine`, LEAD);
    expect(textOf(refused)).toContain('does not allow approving your own run');
    expect(await statusOf(approvalId)).toBe('pending');

    // Another approver may: the rule is about who asked, not about the run.
    await say(`approve ${run.id}`, RELEASE);
    expect(await statusOf(approvalId)).toBe('approved');
  });

  it('(b) the bot queued it and crashed before its record: nobody known asked, so it is refused', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: 'crash-1',
    });
    const approvalId = await waitingApproval(run.id);
    expect(await getRunRecord(store, run.id)).toBeUndefined();

    const refused = await say(`approve ${run.id}`, RELEASE);
    expect(textOf(refused)).toContain('cannot tell who asked for this one');
    expect(await statusOf(approvalId)).toBe('pending');
    const [entry] = await store.queryAudit();
    expect(entry).toMatchObject({ action: 'approve', outcome: 'refused', runId: run.id });
  });

  it('(c) deployed from a message without aadObjectId, approved from one with it: the same person', async () => {
    const withoutAad: Actor = { id: LEAD.teamsId, name: LEAD.name, teamsId: LEAD.teamsId };
    const queued = await queueRun(
      {
        pipelineKey: 'prod',
        environment: 'prod',
        parameters: { modelVersion: '3' },
        model: '3',
        modelDefaulted: false,
        correlationId: 'no-aad-1',
        command: 'deploy',
      },
      context(withoutAad),
      deps,
    );
    const runId = queued.runId!;
    const approvalId = await waitingApproval(runId);

    const refused = await say(`approve ${runId}`, LEAD);
    expect(textOf(refused)).toContain('does not allow approving your own run');
    expect(await statusOf(approvalId)).toBe('pending');
    await say(`approve ${runId}`, RELEASE);
    expect(await statusOf(approvalId)).toBe('approved');
  });
});
