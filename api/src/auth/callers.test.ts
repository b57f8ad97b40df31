// The "one place" rule, checked on the source: a request's database caller is built by the route
// layer alone (http/route.ts hands services RouteInput.scoped); services never build one from a
// principal, and only tenant-only work runs as the tenant alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Files that may call callerOf(), and why. Keep it short: a new entry needs a reason as good. */
const CALLER_OF = {
  // Defines it, and the callers derived from a user's (callerReaching, callerWithin).
  'auth/principal.ts': 'definition',
  // Builds the request's caller once and hands services the opener.
  'http/route.ts': 'the request',
  // The SSE stream outlives its request and rebuilds its caller from the principal re-read at each heartbeat.
  'live/service.ts': 'long-lived stream',
};

/** Files that may act as the tenant alone (tenantCaller): no one signed in, or no one at all. */
const TENANT_CALLER = {
  'auth/principal.ts': 'definition',
  // Scheduled jobs run for a tenant with no user.
  'jobs/service.ts': 'scheduled jobs',
  // Pass signing keys are the tenant's, read and rotated for anyone's pass.
  'passes/keys.ts': 'pass keys',
  // Published content is read by the public.
  'content/service.ts': 'public reading',
  // A citizen's sign-in happens before there is a citizen.
  'citizens/service.ts': 'citizen sign-in',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The code of a file without its comments (a comment may name a function without calling it). */
function code(path: string): string {
  return readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function filesCalling(name: string): string[] {
  const call = new RegExp(`\\b${name}\\(`);
  return sources(SRC)
    .filter((path) => call.test(code(path)))
    .map((path) => relative(SRC, path).split('\\').join('/'))
    .sort();
}

describe('database callers', () => {
  it('are built from a principal only by the route layer and the few places listed', () => {
    expect(filesCalling('callerOf')).toEqual(Object.keys(CALLER_OF).sort());
  });

  it('act as the tenant alone only where no one is signed in', () => {
    expect(filesCalling('tenantCaller')).toEqual(Object.keys(TENANT_CALLER).sort());
  });
});
