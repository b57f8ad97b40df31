// Staff passwords: argon2id hashes and the policy (at least 8 characters, 3 of 4 classes).
import { hash, verify } from '@node-rs/argon2';

export function passwordPolicyError(pw: string): string | undefined {
  if (pw.length < 8) return 'must be at least 8 characters';
  if (pw.length > 128) return 'must be at most 128 characters';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < 3) return 'must contain 3 of: lower-case letters, upper-case letters, digits, symbols';
  return undefined;
}

export function hashPassword(pw: string): Promise<string> {
  return hash(pw);
}

export async function verifyPassword(stored: string, pw: string): Promise<boolean> {
  try {
    return await verify(stored, pw);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so both paths cost one argon2 verification.
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hash('not-a-real-password-Aa1!');
  return dummy;
}
