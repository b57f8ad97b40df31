// Who is calling: resolved from the session on every request and kept in ctx.state.user.
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

export function callerOf(p: Principal): Caller {
  return { tenantId: p.tenantId, userId: p.userId, scopePaths: p.scopePaths };
}

export function can(p: Principal, permission: Permission): boolean {
  return p.permissions.includes(permission);
}
