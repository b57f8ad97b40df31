// Field encryption for personal data: AES-256-GCM for the value, HMAC-SHA256 for lookup.
import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;

/**
 * Random IVs drawn from a pool filled 4,096 at a time: one randomBytes(12) per value was a third of
 * the encryption's cost in a 100,000-row import (docs/benchmarks.md). Same CSPRNG, every IV used once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 4096);
let ivNext = ivPool.length;
function freshIv(): Buffer {
  if (ivNext === ivPool.length) {
    randomFillSync(ivPool);
    ivNext = 0;
  }
  ivNext += IV_BYTES;
  // A view into the pool: encrypt() copies it into its output before the pool can be refilled.
  return ivPool.subarray(ivNext - IV_BYTES, ivNext);
}

export interface PiiKeys {
  fieldKey: Buffer;
  lookupKey: Buffer;
}

export class PiiCipher {
  constructor(private readonly keys: PiiKeys) {
    if (keys.fieldKey.length !== 32 || keys.lookupKey.length !== 32) throw new Error('PII keys must be 32 bytes');
  }

  /** version(1) | iv(12) | tag(16) | ciphertext */
  encrypt(plain: string): Buffer {
    const iv = freshIv();
    const cipher = createCipheriv('aes-256-gcm', this.keys.fieldKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(blob: Buffer): string {
    if (blob[0] !== VERSION) throw new Error(`unknown PII cipher version ${blob[0]}`);
    const decipher = createDecipheriv('aes-256-gcm', this.keys.fieldKey, blob.subarray(1, 13));
    decipher.setAuthTag(blob.subarray(13, 29));
    return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
  }

  /** Keyed hash of a normalised value: equal inputs give equal hashes, nothing is reversible. */
  lookupHash(normalised: string): Buffer {
    return createHmac('sha256', this.keys.lookupKey).update(normalised, 'utf8').digest();
  }
}

/** 420***********1234: first 3 and last 4 kept. */
export function maskIdNumber(id: string): string {
  if (id.length <= 7) return '*'.repeat(id.length);
  return id.slice(0, 3) + '*'.repeat(id.length - 7) + id.slice(-4);
}

/** 138****5678 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** 张*明, 李*: the first character and, for names of three or more, the last; the rest starred (PIPL display de-identification). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/** Keeps the first third (at most 8 characters) of an address: district and street, never the door. */
export function maskAddress(address: string): string {
  const chars = Array.from(address);
  const keep = Math.min(8, Math.floor(chars.length / 3));
  return chars.slice(0, keep).join('') + '****';
}
