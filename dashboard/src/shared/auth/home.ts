// Where a signed-in staff user starts: the admin console for administrators, the command center for
// those who watch, the field app for those who work on the ground. The server still decides every
// request.
import type { Me } from '../api/types';

export const FIELD_PERMISSIONS = ['task:work', 'check:write', 'pass:scan'] as const;
/** What the admin console offers: boundaries, organisation (users, roles), the audit log, settings (rules, jobs) and guidance content. */
export const ADMIN_PERMISSIONS = ['boundary:manage', 'user:manage', 'role:manage', 'audit:read', 'rule:manage', 'content:manage'] as const;

export const canUseCommand = (me: Me) => me.permissions.includes('dashboard:view');
export const canUseField = (me: Me) => FIELD_PERMISSIONS.some((p) => me.permissions.includes(p));
export const canUseAdmin = (me: Me) => ADMIN_PERMISSIONS.some((p) => me.permissions.includes(p));

/** The app a user lands on after sign-in, or null when no app is theirs. */
export function homeFor(me: Me): string | null {
  if (canUseAdmin(me)) return '/admin/';
  if (canUseCommand(me)) return '/command';
  if (canUseField(me)) return '/field/';
  return null;
}

/** A `next` target after sign-in: a path of this site only (never another origin). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}
