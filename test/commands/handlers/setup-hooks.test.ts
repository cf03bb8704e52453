import { CatalogAuthorizer } from '../../../src/auth/authorizer';
import type { Actor } from '../../../src/auth/actor';
import type { CommandContext, CommandDeps } from '../../../src/commands/command-spec';
import { setupHooksCommand } from '../../../src/commands/handlers/setup-hooks';
import { HOOK_EVENT_TYPES } from '../../../src/devops/hook-event-types';
import { InMemoryDevOps } from '../../support/in-memory-devops';
import type {
  HookSubscriptionInfo,
  HooksPort,
  NewHookSubscription,
} from '../../../src/devops/hooks-client';
import { MemoryStore } from '../../../src/store/memory-store';
import { catalog, manualClock } from '../../notifications/notification-fixtures';

class FakeHooks implements HooksPort {
  subs: HookSubscriptionInfo[] = [];
  created: NewHookSubscription[] = [];
  async listSubscriptions() {
    return [...this.subs];
  }
  async createSubscription(s: NewHookSubscription) {
    this.created.push(s);
    const info = {
      id: `s${this.subs.length + 1}`,
      eventType: s.eventType,
      publisherId: s.publisherId,
      url: s.consumerInputs.url,
      publisherInputs: s.publisherInputs,
    };
    this.subs.push(info);
    return info;
  }
  async projectId() {
    return 'proj-1';
  }
  async listPipelines() {
    // Everything but dev-cleanup exists in Azure DevOps.
    return catalog.pipelines
      .filter((p) => p.key !== 'dev-cleanup')
      .map((p, i) => ({ id: 100 + i, name: p.name }));
  }
}

const admin: Actor = {
  id: 'lead',
  name: 'Lead',
  upn: 'devops.lead@digitre.example',
  teamsId: '29:lead',
};
const stranger: Actor = { id: 'x', name: 'X', upn: 'x@digitre.example', teamsId: '29:x' };
const ctx = (actor: Actor): CommandContext => ({
  actor,
  conversation: { id: 'c1', type: 'personal' },
});

function deps(extra: Record<string, unknown>) {
  const clock = manualClock(0);
  return {
    catalog,
    devops: new InMemoryDevOps(catalog),
    store: new MemoryStore({ clock }),
    clock,
    authorizer: new CatalogAuthorizer(catalog, { localMode: false }),
    registry: [],
    localMode: false,
    ...extra,
  } as unknown as CommandDeps;
}

describe('setup hooks', () => {
  it('parses `setup hooks` only', () => {
    expect(setupHooksCommand.parse([], { catalog }).ok).toBe(true);
    expect(setupHooksCommand.parse(['hooks'], { catalog }).ok).toBe(true);
    expect(setupHooksCommand.parse(['stuff'], { catalog }).ok).toBe(false);
  });

  it('creates one subscription per event type and pipeline, idempotently', async () => {
    const hooks = new FakeHooks();
    const d = deps({
      hooks,
      publicUrl: 'https://bot.example/',
      webhookSecret: 'secret-secret-secret',
    });
    const first = await setupHooksCommand.run({}, ctx(admin), d);
    const pipelines = catalog.pipelines.length - 1;
    expect(hooks.created).toHaveLength(pipelines * HOOK_EVENT_TYPES.length);
    expect(hooks.created[0]).toMatchObject({
      publisherId: 'pipelines',
      publisherInputs: { projectId: 'proj-1', pipelineId: '100' },
      consumerInputs: {
        url: 'https://bot.example/api/ado-events',
        basicAuthUsername: 'ado',
        basicAuthPassword: 'secret-secret-secret',
      },
    });
    expect(JSON.stringify(first.data)).toContain('dev-cleanup');

    const again = await setupHooksCommand.run({}, ctx(admin), d);
    expect(hooks.created).toHaveLength(pipelines * HOOK_EVENT_TYPES.length);
    expect(JSON.stringify(again.data)).toContain('nothing changed');
  });

  it('is for admins only and explains missing configuration', async () => {
    const hooks = new FakeHooks();
    const refused = await setupHooksCommand.run(
      {},
      ctx(stranger),
      deps({ hooks, publicUrl: 'https://b', webhookSecret: 's' }),
    );
    expect(refused.data).toMatchObject({ title: 'Not allowed' });
    expect(hooks.created).toEqual([]);
    const noUrl = await setupHooksCommand.run({}, ctx(admin), deps({ hooks, webhookSecret: 's' }));
    expect(JSON.stringify(noUrl.data)).toContain('CHATOPS_PUBLIC_URL');
    const noHooks = await setupHooksCommand.run({}, ctx(admin), deps({}));
    expect(noHooks.data).toMatchObject({ title: 'Service hooks are not available' });
  });
});
