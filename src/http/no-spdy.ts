/**
 * What restify gets in place of spdy (see `load-restify.ts`): the bot serves plain HTTP/1.1
 * and never passes restify the `spdy` option, so this is never called.
 */
export function createServer(): never {
  throw new Error(
    'restify was loaded without spdy (src/http/load-restify.ts): SPDY servers are not supported.',
  );
}
