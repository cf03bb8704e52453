import type { Next, Request, RequestHandler, Response } from 'restify';

/** What a refused body is told. */
export const JSON_ONLY = 'only application/json (UTF-8) is accepted here';

/**
 * True for `application/json`, optionally with `charset=utf-8` (RFC 8259: JSON is UTF-8).
 * Vendor types (`application/vnd.x+json`), other charsets and extra parameters are not JSON
 * the bot reads.
 * @example isJsonContentType('application/json; charset=utf-8') // true
 */
export function isJsonContentType(header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const [type, ...params] = header.split(';').map((p) => p.trim());
  if (type?.toLowerCase() !== 'application/json') return false;
  return params.every((p) => {
    if (p === '') return true;
    const m = /^charset\s*=\s*"?([^"]*)"?$/i.exec(p);
    return m !== null && /^utf-?8$/i.test(m[1]!);
  });
}

/**
 * Refuses, with 415 and before any body parsing, a POST to one of `paths` whose body is not
 * JSON. Forms and multipart posts are what any web page can send cross-site without a CORS
 * preflight; a body parser would turn them into an activity (or write multipart files to disk).
 * Register it before the body parser.
 * @example server.use(requireJson(['/api/messages', '/api/ado-events']));
 */
export function requireJson(paths: readonly string[]): RequestHandler {
  const guarded = new Set(paths);
  return (req: Request, res: Response, next: Next) => {
    const route = req.getRoute?.()?.path;
    const path = typeof route === 'string' ? route : req.path();
    if (
      req.method !== 'POST' ||
      !guarded.has(path) ||
      isJsonContentType(req.headers['content-type'])
    )
      return next();
    res.send(415, { error: JSON_ONLY });
    return next(false);
  };
}
