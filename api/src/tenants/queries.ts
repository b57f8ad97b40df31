// SQL of tenant onboarding (owner connection: a tenant is created before anyone can sign in to it).
import { sql } from '../db/sql.ts';

export const insertTenant = (code: string, name: string) =>
  sql`insert into tenants (code, name) values (${code}, ${name}) on conflict (code) do nothing returning id`;

export const insertAdmin = (tenantId: number, username: string, displayName: string, hash: string) =>
  sql`insert into users (tenant_id, username, display_name, password_hash, is_demo, must_change_password)
      values (${tenantId}, ${username}, ${displayName}, ${hash}, false, true) returning id`;

/** The first admin holds a position but no jurisdiction yet: the tenant has no tree until it uploads one. */
export const assignPosition = (tenantId: number, userId: number, positionId: number) =>
  sql`insert into user_positions (tenant_id, user_id, position_id) values (${tenantId}, ${userId}, ${positionId})`;
