import { join } from 'node:path';
import type { Actor } from '../../../src/auth/actor';
import { CatalogAuthorizer } from '../../../src/auth/authorizer';
import type { CardDataMap, CardId } from '../../../src/cards/card-data';
import type { Catalog } from '../../../src/catalog/catalog-schema';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { manualClock } from '../../../src/clock/clock';
import type { CommandContext, CommandDeps } from '../../../src/commands/command-spec';
import { createRegistry } from '../../../src/commands/create-registry';
import { parseCommand } from '../../../src/commands/parse-command';
import type { Reply } from '../../../src/commands/reply';
import { runCommand } from '../../../src/commands/run-command';
import { saveRunRecord } from '../../../src/use-cases/run-record';
import { InMemoryDevOps } from '../../support/in-memory-devops';
import { MemoryStore } from '../../../src/store/memory-store';

/** People named in `config/digitre.yaml`, and one who is not. */
export const LEAD: Actor = {
  id: 'aad-lead',
  name: 'Dana Lead',
  upn: 'devops.lead@digitre.example',
  aadObjectId: 'aad-lead',
  teamsId: '29:lead',
};
/** Deploys dev, qa and custom-qa; runs the ML pipelines; not prod, not an approver. */
export const ENGINEER: Actor = {
  id: 'aad-eng',
  name: 'Eli Engineer',
  upn: 'ml.engineer@digitre.example',
  aadObjectId: 'aad-eng',
  teamsId: '29:eng',
};
/** A prod approver who cannot deploy. */
export const RELEASE_MANAGER: Actor = {
  id: 'aad-rm',
  name: 'Rae Release',
  upn: 'release.manager@digitre.example',
  aadObjectId: 'aad-rm',
  teamsId: '29:rm',
};
/** In the tenant, not in the catalog. */
export const STRANGER: Actor = {
  id: 'aad-stranger',
  name: 'Sam Stranger',
  upn: 'sam@digitre.example',
  aadObjectId: 'aad-stranger',
  teamsId: '29:stranger',
};

export const START = Date.parse('2026-03-02T09:00:00Z');

/**
 * Runs chat commands through the real parser and handlers against in-memory ports: the catalog
 * from `config/digitre.yaml`, `InMemoryDevOps` (model versions 1..3), `MemoryStore`, a manual
 * clock, and `CatalogAuthorizer` in production mode unless `localMode` says otherwise.
 * @example
 *   const h = handlerHarness();
 *   const reply = await h.run('deploy custom-qa model v3', { actor: ENGINEER });
 *   expect(h.devops.calls.map((c) => c.method)).toContain('runPipeline');
 */
export function handlerHarness(
  opts: { localMode?: boolean; modelVersions?: number; catalog?: Catalog } = {},
) {
  const catalog = opts.catalog ?? loadCatalog(join(__dirname, '../../../config/digitre.yaml'));
  const clock = manualClock(START);
  const store = new MemoryStore({ clock });
  const devops = new InMemoryDevOps(catalog, { clock, modelVersions: opts.modelVersions });
  const registry = createRegistry();
  let activities = 0;

  function deps(localMode = opts.localMode ?? false): CommandDeps {
    return {
      catalog,
      devops,
      store,
      clock,
      authorizer: new CatalogAuthorizer(catalog, { localMode }),
      registry,
      localMode,
    };
  }

  function context(actor: Actor, conversationId = 'conv-1'): CommandContext {
    return {
      actor,
      conversation: { id: conversationId, type: 'channel', channelId: '19:ops@thread.tacv2' },
      activityId: `activity-${++activities}`,
    };
  }

  /** Parses `text` (a usage error fails the test) and runs it as the bot does (`runCommand`). */
  async function run(
    text: string,
    o: { actor?: Actor; localMode?: boolean; conversationId?: string } = {},
  ): Promise<Reply> {
    const parsed = parseCommand(text, registry, { catalog });
    if (!parsed.ok) throw new Error(`"${text}" did not parse: ${parsed.error.problem}`);
    return runCommand(
      parsed.spec,
      parsed.args,
      context(o.actor ?? LEAD, o.conversationId),
      deps(o.localMode),
    );
  }

  /** A run the bot queued earlier for `requestedBy`, as its run record remembers it. */
  async function rememberRun(
    runId: number,
    requestedBy: Actor,
    extra: {
      environment?: string;
      model?: string;
      pipelineKey?: string;
      change?: string;
      branch?: string;
    } = {},
  ): Promise<void> {
    await saveRunRecord(store, {
      runId,
      pipelineKey: extra.pipelineKey ?? 'prod',
      environment: extra.environment ?? 'prod',
      model: extra.model,
      change: extra.change,
      branch: extra.branch,
      parameters: extra.model ? { modelVersion: extra.model } : {},
      requestedBy: {
        id: requestedBy.id,
        name: requestedBy.name,
        teamsId: requestedBy.teamsId,
        upn: requestedBy.upn,
      },
      conversationId: 'conv-1',
      queuedAt: clock.now(),
    });
  }

  /** The DevOps port methods called since the last `resetCalls()`. */
  const methods = () => devops.calls.map((c) => c.method);
  const resetCalls = () => devops.calls.splice(0);

  return {
    catalog,
    clock,
    store,
    devops,
    registry,
    run,
    deps,
    context,
    rememberRun,
    methods,
    resetCalls,
  };
}

/** Narrows a reply to one card kind, failing the test with the reply when it is another. */
export function cardOf<K extends CardId>(reply: Reply, card: K): CardDataMap[K] {
  if (reply.card !== card) {
    throw new Error(`expected a ${card} card, got ${reply.card}: ${JSON.stringify(reply.data)}`);
  }
  return reply.data as CardDataMap[K];
}

/** A message card's facts as an object, e.g. `{ 'Who can': 'a, b' }`. */
export function factsOf(reply: Reply): Record<string, string> {
  const data = cardOf(reply, 'message');
  return Object.fromEntries(data.facts.map((f) => [f.title, f.value]));
}
