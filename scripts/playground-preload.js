'use strict';
/**
 * Loaded with `node --require` into the Microsoft 365 Agents Playground process.
 *
 * The Playground calls `server.listen(port)` with no host, which listens on every interface: a
 * chat client with no authentication (it also serves a mock Bot Connector that accepts any
 * reply) would be open to the whole network. This patch makes every `listen` in that process
 * bind 127.0.0.1, whatever host it asks for. Unix sockets and inherited handles are left alone.
 *
 * @example
 *   node --require ./scripts/playground-preload.js node_modules/@microsoft/m365agentsplayground/cli.js start
 */
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  // listen(), listen(callback): Node would pick a port on every interface.
  if (args.length === 0 || typeof first === 'function') {
    return originalListen.call(this, 0, LOOPBACK, ...args);
  }
  // listen(port[, host][, backlog][, callback]): replace the host, keep the rest.
  if (isPort(first) || first === null || first === undefined) {
    const rest = args.slice(1);
    if (typeof rest[0] === 'string' || rest[0] === null || rest[0] === undefined) rest.shift();
    return originalListen.call(this, Number(first ?? 0), LOOPBACK, ...rest);
  }
  // listen(options[, callback]) with a port (not a Unix socket path or a handle).
  if (
    typeof first === 'object' &&
    !('path' in first) &&
    !('fd' in first) &&
    !('_handle' in first)
  ) {
    return originalListen.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  return originalListen.apply(this, args);
};
