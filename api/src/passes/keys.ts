// Pass tokens: a short-lived JWT signed with the tenant's Ed25519 key (EdDSA), so a checkpoint can
// verify a QR offline with the public keys from GET /api/passes/keys. The private key is created
// on first use and stored encrypted with the PII cipher; several keys may verify (rotation).
import { tenantCaller } from '../auth/principal.ts';
import { calculateJwkThumbprint, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { AppContext } from '../context.ts';
import { maskName } from '../crypto/pii.ts';
import { withScope, type Tx } from '../db/scope.ts';
import * as q from './queries.ts';

export const ALG = 'EdDSA';
/** Lifetime of a token: bounds how long an offline checkpoint can accept a pass revoked meanwhile. */
export const TOKEN_TTL_SECONDS = 300;
/** A retired key keeps verifying for a while, well past the lifetime of the tokens it signed. */
const RETIRED_GRACE_SECONDS = 3600;

async function createKey(app: AppContext, tx: Tx, tenantId: number): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const sealed = app.cipher.encrypt(JSON.stringify(await exportJWK(privateKey)));
  await tx.query(q.insertKey(tenantId, kid, publicJwk, sealed));
}

/** The tenant's active signing key, created on first use. */
async function signingKey(app: AppContext, tenantId: number): Promise<{ kid: string; key: CryptoKey }> {
  const row = await withScope(app.db.pool, tenantCaller(tenantId), async (tx) => {
    let active = await tx.one<{ kid: string; private_key_enc: Buffer }>(q.activeKey(tenantId));
    if (!active) {
      await createKey(app, tx, tenantId);
      active = await tx.one(q.activeKey(tenantId));
    }
    return active!;
  });
  const jwk = JSON.parse(app.cipher.decrypt(row.private_key_enc)) as JWK;
  return { kid: row.kid, key: (await importJWK(jwk, ALG)) as CryptoKey };
}

/** The public JWK set of a tenant (creating the first key if there is none yet). */
export async function publicKeys(app: AppContext, tenantId: number): Promise<{ keys: JWK[] }> {
  let rows = await withScope(app.db.pool, tenantCaller(tenantId), (tx) => tx.rows<{ kid: string; public_jwk: JWK }>(q.verifyingKeys(tenantId, RETIRED_GRACE_SECONDS)));
  if (rows.length === 0) {
    await signingKey(app, tenantId);
    rows = await withScope(app.db.pool, tenantCaller(tenantId), (tx) => tx.rows(q.verifyingKeys(tenantId, RETIRED_GRACE_SECONDS)));
  }
  return { keys: rows.map((r) => ({ ...r.public_jwk, kid: r.kid, alg: ALG, use: 'sig' })) };
}

export interface PassClaims {
  tid: number;
  pid: number;
  /** The holder's name, masked: what an offline checkpoint shows beside its verdict. */
  nm: string;
}

/** Signs a pass token; `expiresAt` is only set by callers that need another lifetime (tests). */
export async function signPassToken(app: AppContext, tenantId: number, passId: number, holderName: string, expiresAt?: Date): Promise<{ token: string; expiresAt: Date }> {
  const { kid, key } = await signingKey(app, tenantId);
  const exp = expiresAt ?? new Date(Date.now() + TOKEN_TTL_SECONDS * 1000);
  const token = await new SignJWT({ tid: tenantId, pid: passId, nm: maskName(holderName) } satisfies PassClaims)
    .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(exp.getTime() / 1000))
    .sign(key);
  return { token, expiresAt: exp };
}

export type TokenCheck =
  | { ok: true; passId: number }
  /** passId is set when the signature was good but the token had expired: the holder is known. */
  | { ok: false; reason: 'invalid_token' | 'token_expired'; passId: number | null };

const passIdOf = (payload: Record<string, unknown>, tenantId: number): number | null =>
  payload.tid === tenantId && Number.isSafeInteger(payload.pid) && (payload.pid as number) > 0 ? (payload.pid as number) : null;

/**
 * Verifies signature, expiry and tenant of a token against the tenant's keys. `at` judges expiry at
 * another moment than now: when an offline checkpoint scanned the QR.
 */
export async function verifyPassToken(app: AppContext, tenantId: number, token: string, at?: Date): Promise<TokenCheck> {
  const { keys } = await publicKeys(app, tenantId);
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  try {
    const { payload } = await jwtVerify(token, async (header) => {
      const jwk = header.kid ? byKid.get(header.kid) : undefined;
      if (!jwk) throw new errors.JWKSNoMatchingKey();
      return importJWK(jwk, ALG);
    }, { algorithms: [ALG], requiredClaims: ['exp'], ...(at ? { currentDate: at } : {}) });
    const passId = passIdOf(payload, tenantId);
    return passId ? { ok: true, passId } : { ok: false, reason: 'invalid_token', passId: null };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: 'token_expired', passId: passIdOf(err.payload, tenantId) };
    if (err instanceof errors.JOSEError) return { ok: false, reason: 'invalid_token', passId: null };
    throw err;
  }
}
