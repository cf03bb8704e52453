import type { WebApi } from 'azure-devops-node-api';
import { identityForPrincipal, type Emulator } from '../../src/emulator/start-emulator';
import { fastEmulator, patApi, startReceiver, type Received } from './emulator-fixture';

export const lead = identityForPrincipal('devops.lead@digitre.example')!;
export const rm = identityForPrincipal('release.manager@digitre.example')!;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO7 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

export type Obj = Record<string, unknown>;
export const resourceOf = (r: Received) => r.body.resource as Obj;

/** One delivery in a line: `stage Build running`, `approval-pending pending`… */
export function describeEvent(r: Received): string {
  const res = resourceOf(r);
  switch (r.body.eventType) {
    case 'ms.vss-pipelines.run-state-changed-event': {
      const run = res.run as Obj;
      return `run ${String(run.state)}${run.result ? ` ${String(run.result)}` : ''}`;
    }
    case 'ms.vss-pipelines.stage-state-changed-event': {
      const s = res.stage as Obj;
      return `stage ${String(s.name)} ${String(s.state)}${s.result ? ` ${String(s.result)}` : ''}`;
    }
    case 'build.complete':
      return `build.complete ${String(res.result)}`;
    case 'ms.vss-pipelines.job-state-changed-event': {
      const j = res.job as Obj;
      return `job ${String((res.stage as Obj).name)}/${String(j.name)} ${String(j.state)}${j.result ? ` ${String(j.result)}` : ''}`;
    }
    default:
      return `${String(r.body.eventType).split('.').pop()} ${String((res.approval as Obj).status)}`;
  }
}

/** The run a delivery is about (build.complete carries it as the build id). */
export function runIdOf(r: Received): number {
  const res = resourceOf(r);
  if (r.body.eventType === 'build.complete') return res.id as number;
  return (res.run as Obj).id as number;
}

/** An emulator whose one service hook posts to a local receiver with basic auth and a custom header. */
export interface HookedEmulator {
  emu: Emulator;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** The bot's PAT client. */
  bot: WebApi;
  close(): Promise<void>;
}

export async function startHookedEmulator(): Promise<HookedEmulator> {
  const receiver = await startReceiver();
  const emu = await fastEmulator({
    seed: false,
    hooks: [
      {
        url: receiver.url,
        basicAuth: { username: 'ado', password: 's3cret' },
        headers: { 'X-Bot-Secret': 'abc' },
      },
    ],
  });
  return {
    emu,
    receiver,
    bot: patApi(emu),
    async close() {
      await emu.close();
      await receiver.close();
    },
  };
}
