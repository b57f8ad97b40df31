// Who is calling, and the one place a database caller is built from it. Two identities: a staff
// user (Principal, ctx.state.user) and a citizen (CitizenPrincipal, ctx.state.citizen), both
// resolved from their session on every request. Work that no one signed in to (public reading, a
// citizen's sign-in, scheduled jobs, pass keys) runs as the tenant alone (tenantCaller). A request's
// caller is built once, by the route layer (http/route.ts), which hands services an opener of
// transactions bound to it (RouteInput.scoped): services do not build callers themselves.
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
  /** The user has a second factor (TOTP). */
  totpEnabled: boolean;
  /** An administrator without a second factor where one is required: only me, password, logout and its set-up answer. */
  mustEnrolTotp: boolean;
  /** When the user last proved who they are in this session (sign-in or step-up). */
  steppedUpAt: Date;
}

export interface CitizenPrincipal {
  sessionId: string;
  tenantId: number;
  tenantCode: string;
  /** The city's name, for the resident's screens. */
  tenantName: string;
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

/**
 * A staff user's caller reaching also one more subtree: the grid of a person a checkpoint scan or
 * registration names, wherever they are registered in the city, so the checkpoint can act on them
 * alone there (row-level security still decides every row; nothing else of that grid is touched by
 * the code that runs).
 */
export function callerReaching(user: Principal, path: string | null | undefined): Caller {
  const caller = callerOf(user);
  // A path already inside the caller's subtrees adds nothing; row-level security tests membership.
  return path ? { ...caller, scopePaths: [...new Set([...caller.scopePaths, path])] } : caller;
}

/**
 * A staff user's caller narrowed to one node of their own scope (found through that scope, so its
 * subtree lies inside it): row-level security then selects the subtree through its GiST index,
 * where a filter of our own could not run before the policy (ltree operators are not LEAKPROOF).
 */
export function callerWithin(user: Principal, path: string): Caller {
  return { ...callerOf(user), scopePaths: [path] };
}

/** The tenant alone, no user and no jurisdiction: sees only what row-level security shows a tenant. */
export function tenantCaller(tenantId: number): Caller {
  return { tenantId, userId: null, scopePaths: [] };
}

export function can(p: Principal, permission: Permission): boolean {
  return p.permissions.includes(permission);
}

/** Session ids are UUIDs: anything else is no session (and never reaches SQL). */
export const isSessionId = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
