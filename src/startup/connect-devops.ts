import type { Catalog } from '../catalog/catalog-schema';
import { type Clock } from '../clock/clock';
import { type AppConfig } from '../config/load-config';
import type { AdoDevOpsOptions } from '../devops/ado-devops';
import type { AdoTransport } from '../devops/ado-transport';
import type { DevOpsPort } from '../devops/devops-port';
import { HooksClient, type HooksPort } from '../devops/hooks-client';
import type { DoctorDeps } from '../commands/handlers/doctor';
import { checkProjectExists } from '../devops/check-project';
import type { Emulator } from '../emulator/start-emulator';
import { type Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import { highestRememberedRunId } from './highest-remembered-run-id';
import { rememberedBuildsPerDay } from './remembered-builds-per-day';
import { lazyPort } from './lazy-port';
import type { AppOverrides } from './start-app';

/**
 * Azure DevOps as configured: a real organization (PAT or Entra ID), or the emulator started
 * in-process (local mode). Tests may pass their own port.
 */
export async function connectDevOps(
  config: AppConfig,
  ctx: {
    catalog: Catalog;
    clock: Clock;
    logger: Logger;
    overrides: AppOverrides;
    /** Local mode: new runs get ids above every run it remembers (see `highestRememberedRunId`). */
    store?: Store;
  },
): Promise<{
  devops: DevOpsPort;
  hooks?: HooksPort;
  emulator?: Emulator;
  warm?: () => Promise<unknown>;
  doctor?: DoctorDeps['doctor'];
  checkProject?: () => Promise<void>;
}> {
  const { catalog, clock, logger, overrides, store } = ctx;
  // `doctor` in chat: the same checks as `npm run doctor`, loaded on first use.
  const doctorFor =
    (orgUrl: string, project: string, auth: AdoDevOpsOptions['auth'], localMode = false) =>
    () =>
      (require('../doctor/run-doctor') as typeof import('../doctor/run-doctor')).runDoctor({
        catalog,
        orgUrl,
        project,
        auth,
        publicUrl: config.publicUrl,
        webhookSecret: config.webhookSecret,
        localMode,
      });
  // azure-devops-node-api loads in ~100 ms: built on first use, warmed right after listening.
  // The adapter and the Hooks client share ONE transport: one WebApi (discovery once), one
  // token refresher, one connection pool.
  const adoStack = (orgUrl: string, project: string, auth: AdoDevOpsOptions['auth']) => {
    let shared: AdoTransport | undefined;
    const transport = () =>
      (shared ??= new (
        require('../devops/ado-transport') as typeof import('../devops/ado-transport')
      ).AdoTransport({ orgUrl, auth, clock, logger }));
    const ado = lazyPort<DevOpsPort>(() =>
      (require('../devops/ado-devops') as typeof import('../devops/ado-devops')).createAdoDevOps({
        orgUrl,
        project,
        catalog,
        auth,
        transport: transport(),
      }),
    );
    return { ado, hooks: new HooksClient({ orgUrl, project, auth, transport }) };
  };
  if (config.ado) {
    const auth = config.ado.pat
      ? { pat: config.ado.pat }
      : { credential: new (await import('@azure/identity')).DefaultAzureCredential() };
    const { orgUrl, project } = config.ado;
    const { ado, hooks } = adoStack(orgUrl, project, auth);
    const doctor = doctorFor(orgUrl, project, auth);
    if (overrides.devops) return { devops: overrides.devops, hooks, doctor };
    const checkProject = () =>
      checkProjectExists(hooks, { orgUrl, project, warn: (m) => logger.warn(m) });
    return { devops: ado.port, hooks, warm: ado.warm, doctor, checkProject };
  }
  if (overrides.devops) return { devops: overrides.devops };
  // The bot's PAT identity decides approvals for people in local mode, where everyone approves.
  // The emulator's modules load only in local mode.
  const { startEmulator } =
    require('../emulator/start-emulator') as typeof import('../emulator/start-emulator');
  // The emulator forgets its runs when the process stops; a kept store (SQLite) does not.
  const runIdsAbove = store ? await highestRememberedRunId(store) : 0;
  const buildsSoFar = store ? await rememberedBuildsPerDay(store) : [];
  const emulator = await startEmulator({
    catalog,
    taskMs: overrides.emulatorTaskMs ?? config.emulatorTaskMs,
    seed: true,
    serviceIdentityIsApprover: true,
    runIdsAbove,
    buildsSoFar,
  });
  const auth = { pat: emulator.pat };
  const { orgUrl, project } = emulator;
  const { ado, hooks } = adoStack(orgUrl, project, auth);
  return {
    devops: ado.port,
    hooks,
    emulator,
    warm: ado.warm,
    doctor: doctorFor(orgUrl, project, auth, true),
  };
}
