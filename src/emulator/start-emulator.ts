/**
 * A local Azure DevOps organization (like Azurite for Storage): the real azure-devops-node-api
 * client talks to it as to dev.azure.com. Serves tests, benchmarks and the bot's local mode.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../catalog/catalog-schema';
import { type Clock, systemClock } from '../clock/clock';
import { jwtPayloadValidator } from './authenticate';
import { createContext } from './emulator-context';
import { findPackageRoot } from '../config/package-root';
import { serviceIdentity } from './identities';
import type { EmulatedApproval, EmulatedRun } from './model';
import { FaultInjector } from './fault-injector';
import { HookRegistry, type HookRetryOptions, type HookTarget } from './hook-registry';
import { randomGuid } from './ids';
import { RequestLog } from './request-log';
import { createRequestListener } from './request-listener';
import { Router } from './router';
import { RunEngine } from './run-engine';
import { seedHistory } from './seed-history';
import { hookEventFor, jobEventFor } from './webhook-payloads';
import { registerApprovalsRoutes } from './routes/approvals-routes';
import { registerBuildRoutes } from './routes/build-routes';
import { registerHooksRoutes } from './routes/hooks-routes';
import { registerLocationRoutes } from './routes/location-routes';
import { registerPipelinesRoutes } from './routes/pipelines-routes';
import { registerEnvironmentsRoutes } from './routes/environments-routes';
import { registerRunPageRoutes } from './routes/run-page-routes';
import type { RouteDeps } from './routes/route-deps';

export type { HookTarget } from './hook-registry';
export type { FaultRule } from './fault-injector';
export type { FailSpec, EngineEvent } from './run-engine';
export type { EmulatedRun, EmulatedApproval, Identity } from './model';
export { FaultInjector } from './fault-injector';
export { RequestLog } from './request-log';
export { RunEngine } from './run-engine';
export { HookRegistry } from './hook-registry';
export { identityForPrincipal, serviceIdentity } from './identities';

export interface EmulatorOptions {
  catalog: Catalog;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 'digitre' → orgUrl http://127.0.0.1:PORT/digitre. */
  organization?: string;
  /** The accepted PAT; a random 52-character one when omitted. */
  pat?: string;
  /**
   * The organization URL clients use, when it is not the listening address (in compose.yaml the
   * emulator listens on 0.0.0.0 and the bots reach it as http://emulator:8080/digitre). The
   * emulator puts it in the URLs it returns (resource areas), so it must be what clients can reach.
   */
  publicOrgUrl?: string;
  /** Bearer check; default: decode the JWT payload (no signature check), reject expired, use oid/name/upn. */
  acceptBearer?: (token: string) => { id: string; displayName: string; uniqueName: string } | null;
  /** Simulated duration of one task; default 1000 ms (tests ~10-30). */
  taskMs?: number;
  /** Dates; default systemClock. */
  clock?: Clock;
  /** Default true: past runs for every pipeline and model versions 1..3. */
  seed?: boolean;
  /**
   * Runs queued get ids above this one, after the seeded history (which keeps its ids): local
   * mode passes the highest run id its store remembers, so a restart never reuses one.
   * Default none: ids follow the history (101…).
   */
  runIdsAbove?: number;
  /**
   * Build numbers already given out per pipeline and day (`yyyymmdd`), e.g. by an earlier session
   * of a restarted local bot: that day's next build of the pipeline is numbered after them.
   */
  buildsSoFar?: readonly { pipelineKey: string; day: string; count: number }[];
  /** Service-hook subscriptions configured up front. */
  hooks?: HookTarget[];
  /**
   * Lets the PAT's service identity ("DigitRE ChatOps") decide any approval, as if it were in
   * every approvers group. Default false: only the catalog's approvers may decide (real behaviour).
   * Local mode, where every chat user approves through the bot's PAT, needs true.
   */
  serviceIdentityIsApprover?: boolean;
  /** Webhook delivery retries; default 4 attempts, 500 ms doubling, 10 s timeout. */
  hookRetry?: HookRetryOptions;
  /**
   * The Devops-MLops checkout the catalog's yamlPaths are relative to (default: this package,
   * whose `pipelines/` holds the DigitRE pipelines). A pipeline's YAML, when present, is the truth
   * for its parameters and stages.
   */
  pipelinesRoot?: string;
  /** Scopes the PAT carries (e.g. `['vso.build']`); default full access. */
  patScopes?: string[];
  /** Variables marked "Settable at queue time" in the pipeline editor; default none. */
  settableVariables?: string[];
}

export interface Emulator {
  /** e.g. http://127.0.0.1:41234/digitre */
  orgUrl: string;
  pat: string;
  /** catalog.project */
  project: string;
  /** Catalog key → definition (pipeline) id; throws for unknown keys. */
  pipelineId(key: string): number;
  /**
   * Queues a run of a catalog pipeline on `main` as the service identity, the way someone in the
   * Azure DevOps portal would (outside the bot): for demos, tests and benchmarks.
   * @example const run = emu.queueRun('prod', { modelVersion: '3' });
   */
  queueRun(key: string, templateParameters?: Record<string, string>): EmulatedRun;
  /** Resolves once the run waits for an approval; rejects after `timeoutMs` (default 10 s). */
  untilWaitingForApproval(runId: number, timeoutMs?: number): Promise<EmulatedApproval>;
  faults: FaultInjector;
  requestLog: RequestLog;
  engine: RunEngine;
  hooks: HookRegistry;
  /** Stops timers, hook retries and the server. */
  close(): Promise<void>;
}

/** This package's root (the folder holding `pipelines/`), or the working directory. */
function defaultRoot(): string {
  try {
    return findPackageRoot(__dirname);
  } catch {
    return process.cwd();
  }
}

/** 52 lower-case base32 characters, like an Azure DevOps PAT. */
function randomPat(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(52)].map((b) => alphabet[b % 32]).join('');
}

/**
 * @example
 *   const emu = await startEmulator({ catalog: loadCatalog('config/digitre.yaml'), taskMs: 20 });
 *   const api = new WebApi(emu.orgUrl, getPersonalAccessTokenHandler(emu.pat));
 *   // ...
 *   await emu.close();
 */
export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const clock = opts.clock ?? systemClock;
  const organization = opts.organization ?? 'digitre';
  const host = opts.host ?? '127.0.0.1';
  const ctx = createContext(opts.catalog, organization, opts.pipelinesRoot ?? defaultRoot());
  const hooks = new HookRegistry(clock, opts.hookRetry);
  const engine = new RunEngine({
    ctx,
    clock,
    taskMs: opts.taskMs ?? 1000,
    serviceIdentityIsApprover: opts.serviceIdentityIsApprover ?? false,
    // Payloads are built only when someone listens (benchmarks run without subscriptions).
    onEvent: (e) => {
      if (hooks.list().length === 0) return;
      hooks.publish(hookEventFor(ctx, e, randomGuid(), clock.now()));
      const job = e.type === 'stage-state' && jobEventFor(ctx, e, randomGuid(), clock.now());
      if (job) hooks.publish(job);
    },
  });
  const pat = opts.pat ?? randomPat();
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const router = new Router();
  const deps: RouteDeps = {
    ctx,
    engine,
    hooks,
    clock,
    signingKey: randomBytes(32).toString('hex'),
    settableVariables: opts.settableVariables ?? [],
    serviceIdentityIsApprover: opts.serviceIdentityIsApprover ?? false,
  };
  registerLocationRoutes(router, deps);
  registerHooksRoutes(router, deps);
  registerApprovalsRoutes(router, deps);
  registerPipelinesRoutes(router, deps);
  registerBuildRoutes(router, deps);
  registerEnvironmentsRoutes(router, deps);
  registerRunPageRoutes(router, deps);

  const server = http.createServer(
    createRequestListener({
      router,
      organization,
      pat,
      ...(opts.patScopes ? { patScopes: opts.patScopes } : {}),
      bearer: opts.acceptBearer ?? jwtPayloadValidator(clock),
      faults,
      requestLog,
      clock,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.orgUrl =
    opts.publicOrgUrl?.replace(/\/+$/, '') ??
    `http://${host.includes(':') ? `[${host}]` : host}:${port}/${organization}`;
  if (opts.seed !== false) seedHistory(ctx, engine, clock);
  if (opts.runIdsAbove !== undefined) engine.reserveRunIdsThrough(opts.runIdsAbove);
  for (const b of opts.buildsSoFar ?? []) engine.reserveBuildNumbers(b.pipelineKey, b.day, b.count);
  for (const h of opts.hooks ?? []) hooks.add(h);

  let closing: Promise<void> | undefined;
  const pipelineId = (key: string): number => {
    const d = ctx.definitions.find((x) => x.key === key);
    if (!d)
      throw new Error(
        `no pipeline "${key}" in the catalog (known: ${ctx.definitions.map((x) => x.key).join(', ')})`,
      );
    return d.id;
  };
  return {
    orgUrl: ctx.orgUrl,
    pat,
    project: ctx.project.name,
    pipelineId,
    queueRun(key, templateParameters = {}) {
      return engine.queue({
        definitionId: pipelineId(key),
        templateParameters,
        variables: {},
        sourceBranch: 'refs/heads/main',
        requestedBy: serviceIdentity,
      });
    },
    async untilWaitingForApproval(runId, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const pending = engine.pendingApprovals(runId)[0];
        if (pending) return pending;
        if (Date.now() > until) throw new Error(`run ${runId} never reached an approval`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    faults,
    requestLog,
    engine,
    hooks,
    close() {
      closing ??= new Promise<void>((resolve) => {
        engine.close();
        hooks.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
