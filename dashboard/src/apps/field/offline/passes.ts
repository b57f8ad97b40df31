// Checking an electronic pass at a checkpoint. Online, the server says whether the pass is valid now
// (signature, expiry, revocation, the holder's status). Offline, the token's signature and expiry
// are checked on the phone with the tenant's public keys kept from the last online start; a
// revocation since then cannot be known (tokens live 5 minutes, which bounds it).
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { api, NetworkError } from '@shared/api/client';
import { cacheGet } from './db';
import { PASS_KEYS } from './passKeys';

export type PassVerdict = 'valid' | 'revoked' | 'expired' | 'invalid';

export interface PassCheck {
  verdict: PassVerdict;
  /** The holder's name as the pass shows it (masked), when known. */
  holder: string | null;
  /** Why, in the server's words (holder_watching, pass_revoked, token_expired …). */
  reasons: string[];
  offline: boolean;
}

async function verifyOffline(userId: number, token: string): Promise<PassCheck> {
  const keys = await cacheGet<JSONWebKeySet>(userId, PASS_KEYS);
  if (!keys) return { verdict: 'invalid', holder: null, reasons: ['no_keys_offline'], offline: true };
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys.value), { algorithms: ['EdDSA'], requiredClaims: ['exp'] });
    return { verdict: 'valid', holder: typeof payload.nm === 'string' ? payload.nm : null, reasons: [], offline: true };
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      const nm = (err.payload as { nm?: unknown }).nm;
      return { verdict: 'expired', holder: typeof nm === 'string' ? nm : null, reasons: ['token_expired'], offline: true };
    }
    // A phone whose browser lacks Ed25519 cannot check offline: it says so rather than guess.
    const unsupported = err instanceof errors.JOSENotSupported || (err instanceof DOMException && err.name === 'NotSupportedError');
    return { verdict: 'invalid', holder: null, reasons: [unsupported ? 'cannot_verify_offline' : 'invalid_token'], offline: true };
  }
}

export async function checkPass(userId: number, token: string): Promise<PassCheck> {
  try {
    const r = await api.post<{ verdict: PassVerdict; holder: { name: string } | null; reasons: string[] }>('/api/passes/verify', { token });
    return { verdict: r.verdict, holder: r.holder?.name ?? null, reasons: r.reasons, offline: false };
  } catch (err) {
    if (err instanceof NetworkError) return verifyOffline(userId, token);
    throw err;
  }
}
