import type { Identity } from './model';
import type { Reply } from './http-reply';

/** Everything a route handler gets; `body` is parsed JSON (undefined when empty). */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Undefined only on anonymous routes. */
  identity: Identity | undefined;
  /** The Accept header's media type, lower case (e.g. `text/plain`). */
  accept: string;
  apiVersion: string | undefined;
}

export type Handler = (rc: RouteContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  segments: { literal?: string; param?: string; numeric?: boolean }[];
  handler: Handler;
  anonymous: boolean;
}

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string>; anonymous: boolean }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

/**
 * Case-insensitive routes like `/:project/_apis/build/builds/:buildId#` (`#` = digits only, so
 * `pipelines/approvals` never reaches `pipelines/:pipelineId#`). Paths exclude the organization.
 * @example router.add('GET', '/:project/_apis/build/builds/:buildId#', getBuild)
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: { anonymous?: boolean } = {}): void {
    const segments = pattern
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => {
        if (!s.startsWith(':')) return { literal: s.toLowerCase() };
        const numeric = s.endsWith('#');
        return { param: s.slice(1, numeric ? -1 : undefined), numeric };
      });
    this.routes.push({
      method: method.toUpperCase(),
      segments,
      handler,
      anonymous: opts.anonymous ?? false,
    });
  }

  match(method: string, rawSegments: string[]): RouteMatch {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const params = matchSegments(r, rawSegments);
      if (!params) continue;
      if (r.method === method.toUpperCase()) {
        return { kind: 'found', handler: r.handler, params, anonymous: r.anonymous };
      }
      allowed.push(r.method);
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}

function matchSegments(r: Route, raw: string[]): Record<string, string> | undefined {
  if (r.segments.length !== raw.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < raw.length; i++) {
    const seg = r.segments[i]!;
    let value: string;
    try {
      value = decodeURIComponent(raw[i]!);
    } catch {
      return undefined;
    }
    if (seg.literal !== undefined) {
      if (value.toLowerCase() !== seg.literal) return undefined;
    } else {
      if (seg.numeric && !/^\d+$/.test(value)) return undefined;
      params[seg.param!] = value;
    }
  }
  return params;
}
