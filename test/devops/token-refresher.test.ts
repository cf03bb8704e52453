import type { AccessToken, TokenCredential } from '@azure/identity';
import { manualClock } from '../../src/clock/clock';
import { AZURE_DEVOPS_SCOPE } from '../../src/devops/ado-scope';
import { TokenRefresher } from '../../src/devops/token-refresher';

function fakeCredential(clock: { now(): number }) {
  const scopes: string[] = [];
  let n = 0;
  const credential: TokenCredential = {
    getToken: async (scope): Promise<AccessToken> => {
      scopes.push(String(scope));
      n++;
      return { token: `token-${n}`, expiresOnTimestamp: clock.now() + 60 * 60 * 1000 };
    },
  };
  return { credential, scopes, count: () => n };
}

describe('TokenRefresher', () => {
  it('fetches once, reuses until 5 minutes before expiry, then refreshes', async () => {
    const clock = manualClock(1_000_000);
    const fake = fakeCredential(clock);
    const handler = { token: '' };
    const r = new TokenRefresher(fake.credential, handler, clock);
    await r.ensureFresh();
    expect(handler.token).toBe('token-1');
    expect(fake.scopes).toEqual([AZURE_DEVOPS_SCOPE]);
    clock.advance(54 * 60 * 1000);
    await r.ensureFresh();
    expect(fake.count()).toBe(1);
    clock.advance(2 * 60 * 1000); // 4 minutes left
    await r.ensureFresh();
    expect(handler.token).toBe('token-2');
  });

  it('shares one in-flight refresh among concurrent callers', async () => {
    const clock = manualClock(0);
    const fake = fakeCredential(clock);
    const r = new TokenRefresher(fake.credential, { token: '' }, clock);
    await Promise.all([r.ensureFresh(), r.ensureFresh(), r.refresh()]);
    expect(fake.count()).toBe(1);
  });

  it('turns credential failures into a 401-shaped error without details', async () => {
    const credential: TokenCredential = {
      getToken: async () => {
        throw new Error('AADSTS7000215: Invalid client secret provided: s3cr3t');
      },
    };
    const r = new TokenRefresher(credential, { token: '' }, manualClock(0));
    const p = r.ensureFresh();
    await expect(p).rejects.toMatchObject({ statusCode: 401 });
    await expect(p).rejects.not.toThrow(/s3cr3t/);
  });
});
