// Onboarding a city: a tenant with the built-in roles and one system administrator who signs in
// with a temporary password, must change it, and then uploads the city's boundaries (the first
// tree scopes that account to its roots, app.apply_boundary_tree).
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '../auth/password.ts';
import { seedRoles } from '../auth/seed.ts';
import * as q from './queries.ts';

export interface NewTenant {
  code: string;
  name: string;
  adminUsername: string;
  adminDisplayName: string;
}

export interface CreatedTenant {
  tenantId: number;
  adminUserId: number;
  /** Shown once to the operator; the admin must change it at first sign-in. */
  temporaryPassword: string;
}

export class TenantError extends Error {}

const CODE = /^[a-z][a-z0-9_-]{1,39}$/;
const USERNAME = /^[A-Za-z0-9._-]{2,60}$/;

/** A temporary password that meets the password rules: letters of both cases, digits and a sign. */
export function temporaryPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '@#%+='];
  const pick = (s: string) => s[randomInt(s.length)];
  const chars = [...sets.map(pick), ...Array.from({ length: 12 }, () => pick(sets.join('')))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export async function createTenant(owner: pg.Pool, input: NewTenant): Promise<CreatedTenant> {
  if (!CODE.test(input.code)) throw new TenantError(`tenant code "${input.code}": 2–40 lower-case letters, digits, _ or -, starting with a letter`);
  if (!input.name.trim() || input.name.length > 100) throw new TenantError('tenant name: 1–100 characters');
  if (!USERNAME.test(input.adminUsername)) throw new TenantError(`admin username "${input.adminUsername}": 2–60 letters, digits, . _ or -`);
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const client = await owner.connect();
  try {
    await client.query('begin');
    const t = await client.query(q.insertTenant(input.code, input.name.trim()).toQuery());
    if (t.rowCount === 0) throw new TenantError(`tenant ${input.code} exists already`);
    const tenantId = t.rows[0].id as number;
    const positions = await seedRoles(client, tenantId);
    const u = await client.query(q.insertAdmin(tenantId, input.adminUsername, input.adminDisplayName, hash).toQuery());
    const adminUserId = Number(u.rows[0].id);
    await client.query(q.assignPosition(tenantId, adminUserId, positions.get('admin')!).toQuery());
    await client.query('commit');
    return { tenantId, adminUserId, temporaryPassword: password };
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
