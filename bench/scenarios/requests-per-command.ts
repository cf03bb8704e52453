import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import type { RequestLogEntry } from '../../src/emulator/request-log';
import { messageBody } from '../bench-activity';
import type { BenchChild } from '../bench-child';
import { CATALOG_PATH, sendOne, type Harness } from '../harness';

/** One command measured cold (first call after the bot started) and warm (second call). */
export interface CommandCost {
  command: string;
  /** What was typed, cold then warm (run ids differ where a call consumes its target). */
  cold: { text: string; requests: number; handshake: number; breakdown: string[] };
  warm: { text: string; requests: number; handshake: number; breakdown: string[] };
  /** Target for the warm count (`deploy` 1, `approve` 2, `status` dashboard 2, others 2). */
  warmTarget: number;
  /** What the reply card was (a refusal would make the count meaningless). */
  replies: string[];
}

/** A command to measure; `prepare` returns the text to send (e.g. with a fresh run id). */
interface CommandCase {
  command: string;
  warmTarget: number;
  /** Whether its handler may call Azure DevOps (then it gets a fresh bot for a true cold call). */
  callsDevOps: boolean;
  text(emu: Emulator, call: 'cold' | 'warm'): Promise<string> | string;
}

const succeededRun = (emu: Emulator, key = 'qa') =>
  emu.engine
    .runs()
    .find((r) => r.status === 'completed' && r.result === 'succeeded' && r.pipelineKey === key)!.id;
const failedRun = (emu: Emulator) =>
  emu.engine.runs().find((r) => r.status === 'completed' && r.result === 'failed')!.id;

/** Queues a prod run and resolves its id once it waits for approval. */
async function prodRunWaitingForApproval(emu: Emulator): Promise<number> {
  const run = emu.queueRun('prod', { modelVersion: '3' });
  await emu.untilWaitingForApproval(run.id);
  return run.id;
}

/** Every registry command (the ones that reach Azure DevOps first), in help order. */
export const COMMAND_CASES: CommandCase[] = [
  { command: 'deploy <env>', warmTarget: 1, callsDevOps: true, text: () => 'deploy qa' },
  {
    command: 'deploy prod (asks to confirm)',
    warmTarget: 1,
    callsDevOps: true,
    text: () => 'deploy prod',
  },
  {
    command: 'approve <run>',
    warmTarget: 2,
    callsDevOps: true,
    text: async (emu) => `approve ${await prodRunWaitingForApproval(emu)} looks good`,
  },
  {
    command: 'approve <env>',
    warmTarget: 2,
    callsDevOps: true,
    text: async (emu) => {
      await prodRunWaitingForApproval(emu);
      return 'approve prod looks good';
    },
  },
  {
    command: 'reject <run>',
    warmTarget: 2,
    callsDevOps: true,
    text: async (emu) => `reject ${await prodRunWaitingForApproval(emu)} not today`,
  },
  { command: 'status (dashboard)', warmTarget: 2, callsDevOps: true, text: () => 'status' },
  {
    command: 'status <run>',
    warmTarget: 2,
    callsDevOps: true,
    text: (emu) => `status ${succeededRun(emu)}`,
  },
  {
    command: 'status <run> (waiting for approval)',
    warmTarget: 2,
    callsDevOps: true,
    text: async (emu) => `status ${await prodRunWaitingForApproval(emu)}`,
  },
  {
    command: 'status <run> (failed: + its log)',
    warmTarget: 2,
    callsDevOps: true,
    text: (emu) => `status ${failedRun(emu)}`,
  },
  { command: 'status <env>', warmTarget: 2, callsDevOps: true, text: () => 'status prod' },
  { command: 'status <pipeline>', warmTarget: 2, callsDevOps: true, text: () => 'status train' },
  { command: 'runs', warmTarget: 2, callsDevOps: true, text: () => 'runs' },
  { command: 'approvals', warmTarget: 2, callsDevOps: true, text: () => 'approvals' },
  {
    command: 'run <pipeline>',
    warmTarget: 2,
    callsDevOps: true,
    text: () => 'run dev-cleanup maxAgeHours=12',
  },
  { command: 'train', warmTarget: 2, callsDevOps: true, text: () => 'train' },
  { command: 'extract-prepare', warmTarget: 2, callsDevOps: true, text: () => 'extract-prepare' },
  { command: 'cleanup dev', warmTarget: 2, callsDevOps: true, text: () => 'cleanup dev' },
  { command: 'models', warmTarget: 2, callsDevOps: true, text: () => 'models' },
  {
    command: 'logs <run>',
    warmTarget: 2,
    callsDevOps: true,
    text: (emu) => `logs ${failedRun(emu)}`,
  },
  {
    command: 'logs <run> (nothing failed)',
    warmTarget: 2,
    callsDevOps: true,
    text: (emu) => `logs ${succeededRun(emu)}`,
  },
  {
    command: 'cancel <run>',
    warmTarget: 2,
    callsDevOps: true,
    text: async (emu) => `cancel ${await prodRunWaitingForApproval(emu)}`,
  },
  {
    command: 'retry <run>',
    warmTarget: 2,
    callsDevOps: true,
    text: (emu) => `retry ${failedRun(emu)}`,
  },
  { command: 'rollback <env>', warmTarget: 2, callsDevOps: true, text: () => 'rollback qa' },
  // Store and catalog only: measured together in one bot, before it ever calls Azure DevOps.
  { command: 'pipelines', warmTarget: 2, callsDevOps: false, text: () => 'pipelines' },
  {
    command: 'lock <env>',
    warmTarget: 2,
    callsDevOps: false,
    text: (_e, call) => (call === 'cold' ? 'lock dev bench' : 'lock qa bench'),
  },
  { command: 'locks', warmTarget: 2, callsDevOps: false, text: () => 'locks' },
  {
    command: 'where can I deploy',
    warmTarget: 2,
    callsDevOps: false,
    text: () => 'where can I deploy',
  },
  {
    command: 'unlock <env>',
    warmTarget: 2,
    callsDevOps: false,
    text: (_e, call) => (call === 'cold' ? 'unlock dev' : 'unlock qa'),
  },
  {
    command: 'subscribe',
    warmTarget: 2,
    callsDevOps: false,
    text: (_e, call) => (call === 'cold' ? 'subscribe prod' : 'subscribe qa failed'),
  },
  { command: 'subscriptions', warmTarget: 2, callsDevOps: false, text: () => 'subscriptions' },
  { command: 'unsubscribe', warmTarget: 2, callsDevOps: false, text: () => 'unsubscribe' },
  { command: 'whoami', warmTarget: 2, callsDevOps: false, text: () => 'whoami' },
  { command: 'audit', warmTarget: 2, callsDevOps: false, text: () => 'audit' },
  { command: 'help', warmTarget: 2, callsDevOps: false, text: () => 'help' },
];

/** The discovery the client does once per area: OPTIONS and resource-area look-ups. */
export function isHandshake(e: RequestLogEntry): boolean {
  return e.method === 'OPTIONS' || /\/_apis\/(ResourceAreas|connectionData)/i.test(e.path);
}

/** The poller's batch read (not caused by the command being measured). */
function isPoll(e: RequestLogEntry): boolean {
  return /[?&]buildIds=/i.test(e.path);
}

/** `GET build/builds/{id}/Timeline` etc., with ids and query values blanked for reading. */
export function describeRequest(e: RequestLogEntry): string {
  const [path, query] = e.path.split('?');
  const shortPath = (path ?? '')
    .replace(/^\/[^/]+\/(?:[^/]+\/)?_apis\//, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{guid}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}');
  const keys = query
    ? [...new URLSearchParams(query).keys()].filter((k) => k !== 'api-version')
    : [];
  return `${e.method} ${shortPath}${keys.length ? `?${keys.join('&')}` : ''}`;
}

/**
 * Scenario 2: Azure DevOps requests per command, counted in the emulator's request log. Each
 * command that may call Azure DevOps gets a fresh bot (and its own emulator, so `workers` bots
 * can run side by side): its first call is cold (empty caches; the client's discovery handshake
 * is counted apart), its second warm.
 */
export async function measureRequestsPerCommand(
  h: Harness,
  o: { workers: number; log(line: string): void },
): Promise<CommandCost[]> {
  const catalog = loadCatalog(CATALOG_PATH);
  const results = new Map<string, CommandCost>();
  h.connector.captureBodies = true;
  const measure = async (bot: BenchChild, emu: Emulator, c: CommandCase): Promise<void> => {
    const calls: CommandCost['cold'][] = [];
    const replies: string[] = [];
    for (const call of ['cold', 'warm'] as const) {
      const text = await c.text(emu, call);
      await settle(emu);
      emu.requestLog.clear();
      const before = h.connector.hits.length;
      const id = `cost-${c.command.replace(/\W+/g, '-')}-${call}-${Date.now()}`;
      const status = await sendOne(bot.url, messageBody(text, id, h.connector.url, `a:cost-${id}`));
      await new Promise((r) => setTimeout(r, 30));
      const entries = emu.requestLog.entries().filter((e) => !isPoll(e));
      const counted = entries.filter((e) => !isHandshake(e));
      calls.push({
        text,
        requests: counted.length,
        handshake: entries.length - counted.length,
        breakdown: counted.map(describeRequest),
      });
      const reply = h.connector.hits.slice(before).find((x) => x.conversationId === `a:cost-${id}`);
      replies.push(
        status === 200 && reply ? (reply.summary ?? 'replied') : `HTTP ${status}, no reply`,
      );
    }
    results.set(c.command, {
      command: c.command,
      cold: calls[0]!,
      warm: calls[1]!,
      warmTarget: c.warmTarget,
      replies,
    });
    o.log(
      `  ${c.command.padEnd(30)} cold ${calls[0]!.requests} (+${calls[0]!.handshake} handshake)  warm ${calls[1]!.requests}  ` +
        `[${calls[1]!.breakdown.join(', ')}] → “${replies[1]}”`,
    );
  };

  // Store-only commands: one bot, before anything called Azure DevOps.
  {
    const bot = await h.forkBot();
    try {
      for (const c of COMMAND_CASES.filter((x) => !x.callsDevOps))
        await measure(bot, h.emulator, c);
    } finally {
      await bot.stop();
    }
  }

  const queue = COMMAND_CASES.filter((x) => x.callsDevOps);
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      // A fresh organization too, so earlier commands' runs do not change what this one reads.
      const emu = await startEmulator({
        catalog,
        taskMs: 50,
        seed: true,
        serviceIdentityIsApprover: true,
      });
      try {
        const bot = await h.forkBot({ emulator: emu });
        try {
          await measure(bot, emu, c);
        } finally {
          await bot.stop();
        }
      } finally {
        await emu.close();
      }
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));
  h.connector.captureBodies = false;
  return COMMAND_CASES.map((c) => results.get(c.command)!).filter(Boolean);
}

/** Lets requests still in flight from a previous step land before the log is cleared. */
async function settle(_emu: Emulator): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
}
