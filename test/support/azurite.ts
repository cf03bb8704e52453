import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Azurite's fixed development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;

export interface RunningAzurite {
  connectionString: string;
  blobPort: number;
  tablePort: number;
  queuePort: number;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob, table and queue servers as child node processes on loopback, in memory.
 * Rejects (with Azurite's output) if any does not accept connections in time.
 * @example const azurite = await startAzurite(); afterAll(() => azurite.stop());
 */
export async function startAzurite(): Promise<RunningAzurite> {
  const [blobPort, tablePort, queuePort] = [await freePort(), await freePort(), await freePort()];
  // Azurite may drop telemetry/debug files in its cwd; keep them out of the work tree.
  const cwd = mkdtempSync(join(tmpdir(), 'azurite-'));
  const common = [
    '--disableTelemetry',
    '--inMemoryPersistence',
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
  ];
  const servers = [
    launch('blob', cwd, ['--blobHost', HOST, '--blobPort', String(blobPort), ...common]),
    launch('table', cwd, ['--tableHost', HOST, '--tablePort', String(tablePort), ...common]),
    launch('queue', cwd, ['--queueHost', HOST, '--queuePort', String(queuePort), ...common]),
  ];
  const stop = async () => {
    await Promise.all(servers.map((s) => stopProcess(s.child)));
    rmSync(cwd, { recursive: true, force: true });
  };
  try {
    await Promise.all([
      waitForPort(servers[0]!, blobPort),
      waitForPort(servers[1]!, tablePort),
      waitForPort(servers[2]!, queuePort),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
    `BlobEndpoint=http://${HOST}:${blobPort}/${ACCOUNT};TableEndpoint=http://${HOST}:${tablePort}/${ACCOUNT};` +
    `QueueEndpoint=http://${HOST}:${queuePort}/${ACCOUNT};`;
  return { connectionString, blobPort, tablePort, queuePort, stop };
}

interface Server {
  name: string;
  child: ChildProcess;
  output: string[];
}

function launch(service: 'blob' | 'table' | 'queue', cwd: string, args: string[]): Server {
  // The JS entry point itself, not a bin wrapper, so the PID we kill is the server.
  const main = require.resolve(`azurite/dist/src/${service}/main.js`);
  const child = spawn(process.execPath, [main, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    if (output.length < 50) output.push(chunk.toString());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name: `azurite-${service}`, child, output };
}

async function waitForPort(server: Server, port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}): ${server.output.join('')}`,
      );
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${server.name} did not listen on ${HOST}:${port} within ${START_TIMEOUT_MS} ms: ${server.output.join('')}`,
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
