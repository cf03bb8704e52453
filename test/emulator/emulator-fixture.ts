import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebApi, getBearerHandler, getPersonalAccessTokenHandler } from 'azure-devops-node-api';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { unsignedJwt } from '../support/unsigned-jwt';
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../src/emulator/start-emulator';

export const catalog = loadCatalog('config/digitre.yaml');

/** Starts an emulator with a fast engine; the caller closes it. */
export function fastEmulator(opts: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ catalog, taskMs: 10, hookRetry: { baseMs: 20 }, ...opts });
}

export function patApi(emu: Emulator, pat = emu.pat): WebApi {
  return new WebApi(emu.orgUrl, getPersonalAccessTokenHandler(pat));
}

export function bearerApi(emu: Emulator, claims: Record<string, unknown>): WebApi {
  return new WebApi(emu.orgUrl, getBearerHandler(unsignedJwt(claims)));
}

export function personJwtClaims(upn: string, name: string, oid: string): Record<string, unknown> {
  return {
    oid,
    upn,
    name,
    aud: '499b84ac-1321-427f-aa17-267ca6975798',
    exp: Math.floor(Date.now() / 1000) + 3600,
  };
}

/** Raw REST the way the bot calls the Approvals API: the WebApi's authenticated RestClient. */
export async function approvalsRest<T>(
  api: WebApi,
  emu: Emulator,
  method: 'GET' | 'PATCH',
  pathAndQuery: string,
  body?: unknown,
): Promise<T | null> {
  const url = `${emu.orgUrl}/${emu.project}/_apis/pipelines/approvals${pathAndQuery}`;
  const options = { acceptHeader: 'application/json;api-version=7.1' };
  const res =
    method === 'GET'
      ? await api.rest.get<T>(url, options)
      : await api.rest.update<T>(url, body, options);
  return res.result;
}

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A local webhook receiver; `failFirst` answers 500 to that many requests first. */
export async function startReceiver(failFirst = 0): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let failures = failFirst;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        {
          res.writeHead(500);
          res.end();
        }
        return;
      }
      received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      {
        res.writeHead(200);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/ado-events`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Plain HTTP for cases the client hides (status codes, headers, raw bodies). */
export async function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

export function basicPat(pat: string): string {
  return `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
}
