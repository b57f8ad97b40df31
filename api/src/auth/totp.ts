// Time-based one-time codes (RFC 6238: 6 digits, 30 s steps, SHA-1 — what authenticator apps
// read from an otpauth:// QR code) for administrators' second factor and step-up, with otplib.
import { generateSecret, generateURI, verify } from 'otplib';

/** A code of the current step or one step either side (clocks of phones drift). */
const TOLERANCE_SECONDS = 30;

export const newTotpSecret = (): string => generateSecret();

export const totpUri = (secret: string, issuer: string, label: string): string => generateURI({ issuer, label, secret });

/**
 * The time step a code belongs to when it is right for the secret and later than `afterStep` (a
 * code is accepted once only); undefined otherwise.
 */
export async function totpStep(secret: string, code: string, afterStep: number | null): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const r = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS, ...(afterStep != null ? { afterTimeStep: afterStep } : {}) });
    return r.valid ? (r as { timeStep: number }).timeStep : undefined;
  } catch {
    return undefined;
  }
}
