const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * An unsigned JWT: the emulator, the fake token service and the local Entra ID only decode it.
 * @example unsignedJwt({ upn: 'alex@digitre.example', exp: Math.floor(Date.now() / 1000) + 3600 })
 */
export function unsignedJwt(claims: object): string {
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2ln`;
}
