import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  /** PEM file to put in NODE_EXTRA_CA_CERTS. */
  certPath: string;
  cert: Buffer;
  key: Buffer;
  remove(): void;
}

/**
 * A throwaway certificate for https://127.0.0.1 (node:crypto cannot make X.509, so openssl does).
 * Trust it in a child process with NODE_EXTRA_CA_CERTS, which Node reads only at start.
 * @example const c = makeSelfSignedCert(); https.createServer({ key: c.key, cert: c.cert })
 */
export function makeSelfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'chatops-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore', timeout: 20_000 },
  );
  return {
    certPath,
    cert: readFileSync(certPath),
    key: readFileSync(keyPath),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
