import Module from 'node:module';
import { dirname } from 'node:path';
import * as noSpdy from './no-spdy';

/**
 * restify 11 without spdy. restify requires spdy as it loads (restify 12 drops it but needs
 * Node 22), and spdy's http-deceiver reads `process.binding('http_parser')`: Node's DEP0111
 * warning on every start. The bot never passes restify the `spdy` option, so restify gets
 * `./no-spdy` instead and spdy is never loaded. jest keeps its own module registry, so
 * jest.config.js maps `spdy` to the same file.
 * @example import { restify } from './load-restify'; const server = restify.createServer();
 */
function loadRestify(): typeof import('restify') {
  let spdyPath: string | undefined;
  try {
    spdyPath = require.resolve('spdy', { paths: [dirname(require.resolve('restify'))] });
  } catch {
    // A restify that does not depend on spdy: nothing to replace.
  }
  if (spdyPath && !require.cache[spdyPath]) {
    const standIn = new Module(spdyPath);
    standIn.filename = spdyPath;
    standIn.loaded = true;
    standIn.exports = noSpdy;
    require.cache[spdyPath] = standIn;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('restify') as typeof import('restify');
}

export const restify = loadRestify();
