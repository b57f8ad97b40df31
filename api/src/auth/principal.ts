// Who is calling, and the one place a database caller is built from it. Two identities: a staff
// user (Principal, ctx.state.user) and a citizen (CitizenPrincipal, ctx.state.citizen), both
// resolved from their session on every request. Work that no one signed in to (public reading, a
// citizen's sign-in, scheduled jobs, pass keys) runs as the tenant alone (tenantCaller).
import type { Caller } from '../db/scope.ts';
import type { Permission } from './permissions.ts';

export interface Principal {
  sessionId: string;
  tenantId: number;
  tenantCode: string;
  userId: number;
  username: string;
  displayName: string;
  isDemo: boolean;
  scopeIds: number[];
  scopePaths: string[];
  roles: string[];
  permissions: Permission[];
  /** A new, imported or reset account: only me, password and logout answer until it is changed. */
  mustChangePassword: boolean;
}

export interface CitizenPrincipal {
  sessionId: string;
  tenantId: number;
  tenantCode: string;
  citizenId: number;
  personId: number | null;
  phoneMasked: string;
}

const isCitizen = (who: Principal | CitizenPrincipal): who is CitizenPrincipal => 'citizenId' in who;

/** The database caller of a staff user (their jurisdiction subtrees) or a citizen (their own rows). */
export function callerOf(who: Principal | CitizenPrincipal): Caller {
  return isCitizen(who)
    ? { tenantId: who.tenantId, userId: null, scopePaths: [], citizenId: who.citizenId }
    : { tenantId: who.tenantId, userId: who.userId, scopePaths: who.scopePaths };
}

/** The tenant alone, no user and no jurisdiction: sees only what row-level security shows a tenant. */
export function tenantCaller(tenantId: number): Caller {
  return { tenantId, userId: null, scopePaths: [] };
}

export function can(p: Principal, permission: Permission): boolean {
  return p.permissions.includes(permission);
}
