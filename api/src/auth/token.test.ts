// Session tokens: the signature check is remembered per token, never its outcome beyond the token's expiry.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '../context.ts';
import { verifyToken } from './service.ts';

const appWith = (secret: Buffer) => ({ config: { secrets: { session: secret } } }) as unknown as AppContext;
const sign = (secret: Buffer, exp: number, claims: Record<string, unknown> = { tid: 3, sid: 's-1', typ: 'citizen' }) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(secret);

describe('verifyToken', () => {
  afterEach(() => vi.useRealTimers());

  it('accepts a good token again from memory, and refuses it once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00Z'));
    const secret = randomBytes(32);
    const app = appWith(secret);
    const token = await sign(secret, Math.floor(Date.now() / 1000) + 60);
    expect(await verifyToken(app, token)).toEqual({ tid: 3, sid: 's-1', typ: 'citizen' });
    expect(await verifyToken(app, token)).toEqual({ tid: 3, sid: 's-1', typ: 'citizen' });
    vi.setSystemTime(new Date('2026-12-02T10:01:01Z'));
    expect(await verifyToken(app, token)).toBeUndefined();
  });

  it('refuses a token signed with another secret, a changed signature and a changed payload, before and after a good one was seen', async () => {
    const secret = randomBytes(32);
    const app = appWith(secret);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const good = await sign(secret, exp);
    const foreign = await sign(randomBytes(32), exp);
    const [h, p, sig] = good.split('.');
    const badSig = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherPayload = Buffer.from(JSON.stringify({ tid: 4, sid: 's-1', typ: 'staff', exp })).toString('base64url');
    for (const round of [0, 1]) {
      expect(await verifyToken(app, foreign), `round ${round}`).toBeUndefined();
      expect(await verifyToken(app, badSig), `round ${round}`).toBeUndefined();
      expect(await verifyToken(app, `${h}.${otherPayload}.${sig}`), `round ${round}`).toBeUndefined();
      expect(await verifyToken(app, good), `round ${round}`).toMatchObject({ tid: 3 });
    }
    // the same token under a rotated secret is not taken from the first secret's memory
    expect(await verifyToken(appWith(randomBytes(32)), good)).toBeUndefined();
  });
});
