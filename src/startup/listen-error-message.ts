/**
 * One line for an operator when the HTTP server cannot listen, naming the port and the variable
 * to change; undefined for errors that are not about listening (they keep their own message).
 * @example listenErrorMessage(Object.assign(new Error('…'), { code: 'EADDRINUSE', syscall: 'listen' }), '127.0.0.1', 3978)
 *   // 'port 3978 on 127.0.0.1 is already in use … set PORT to a free port …'
 */
export function listenErrorMessage(err: unknown, host: string, port: number): string | undefined {
  const { code, syscall } = (err ?? {}) as { code?: unknown; syscall?: unknown };
  if (syscall !== 'listen') return undefined;
  const where = `port ${port} on ${host}`;
  switch (code) {
    case 'EADDRINUSE':
      return `${where} is already in use (another bot or program listens there): stop it, or set PORT to a free port (PORT=0 picks any).`;
    case 'EACCES':
      return `no permission to listen on ${where}: set PORT to 1024 or above, or give this user the right to bind it.`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${host} is not an address of this machine; set HOST to one of its addresses (or 0.0.0.0).`;
    default:
      return `cannot listen on ${where} (${String(code ?? (err as Error).message)}): check PORT and HOST.`;
  }
}
