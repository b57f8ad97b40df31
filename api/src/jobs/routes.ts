// /api/jobs: the scheduled jobs with their last run and next run, their recent runs, and "run now".
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { listJobs, listRuns, runNow } from './service.ts';

const NameParams = z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'a job name like check-tasks') });
const RunsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export function jobRoutes(routes: Routes, app: AppContext): void {
  const tags = ['jobs'];
  const access = { permission: 'rule:manage' } as const;
  routes.add({
    method: 'get', path: '/api/jobs', tags, access,
    summary: 'Scheduled jobs: name, schedule, whether per tenant, the last run of the caller\'s tenant (start, end, result, message, rows affected) and the next run',
    handler: ({ user }) => listJobs(app, user),
  });
  routes.add({
    method: 'get', path: '/api/jobs/:name/runs', tags, access,
    summary: 'Recent runs of a job for the caller\'s tenant (or of the installation), newest first',
    params: NameParams,
    query: RunsQuery,
    handler: ({ user, params, query }) => listRuns(app, user, params.name, query.limit),
  });
  routes.add({
    method: 'post', path: '/api/jobs/:name/run', tags, access,
    summary: 'Run a job now, for the caller\'s tenant when it is per tenant; waits for it and returns the recorded run; 409 job_running while a run is on (audited)',
    params: NameParams,
    handler: ({ user, params }) => runNow(app, user, params.name),
  });
}
