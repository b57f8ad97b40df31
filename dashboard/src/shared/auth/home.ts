// Where a signed-in staff user starts: the admin console for administrators, the command center for
// those who watch, the field app for those who work on the ground. The server still decides every
// request.
import { FIELD_FIRST_SCREEN } from '../../../pages';
import type { Me } from '../api/types';

export const FIELD_PERMISSIONS = ['task:work', 'check:write', 'pass:scan'] as const;
/** What the admin console offers: boundaries, organisation (users, roles), the audit log, settings (rules, jobs) and guidance content. */
export const ADMIN_PERMISSIONS = ['boundary:manage', 'user:manage', 'role:manage', 'audit:read', 'rule:manage', 'content:manage'] as const;

export const canUseCommand = (me: Me) => me.permissions.includes('dashboard:view');
export const canUseField = (me: Me) => FIELD_PERMISSIONS.some((p) => me.permissions.includes(p));
export const canUseAdmin = (me: Me) => ADMIN_PERMISSIONS.some((p) => me.permissions.includes(p));

/** The field app's first screen for these permissions (a path inside the app): tasks, else the scanner. */
export const fieldHome = (permissions: readonly string[]) => (permissions.includes('task:work') ? '/tasks' : permissions.includes('pass:scan') ? '/scan' : '/me');

/**
 * The app a user lands on after sign-in, or null when no app is theirs. A field user lands on their
 * own first screen: /field/ itself preloads the task list, which a checkpoint may not read.
 */
export function homeFor(me: Me): string | null {
  if (canUseAdmin(me)) return '/admin/';
  if (canUseCommand(me)) return '/command';
  if (canUseField(me)) return me.permissions.includes('task:work') ? '/field/' : `/field${fieldHome(me.permissions)}`;
  return null;
}

/**
 * Where sign-in goes on: the page that sent the user (`next`) unless that is the field app's task
 * list, which the page preloads, for a user without tasks (a checkpoint): then their own home.
 */
export function landing(me: Me, next: string | null): string | null {
  if (next && !(FIELD_FIRST_SCREEN.paths.test(next.split(/[?#]/)[0]) && !me.permissions.includes('task:work'))) return next;
  return homeFor(me);
}

/** A `next` target after sign-in: a path of this site only (never another origin). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}
