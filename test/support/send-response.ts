import type { ServerResponse } from 'node:http';

/** writeHead then end as two calls: restify (loaded in the same process) patches writeHead to return nothing. */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  res.writeHead(status, headers);
  res.end(body);
}
