// /api/tasks: lists (nearest first), reassignment single and bulk, verification results.
import type { AppContext } from '../context.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { recordReferral } from './referral.ts';
import { ReferralResult, TaskListQuery, Verification } from './schema.ts';
import { assignTasks, getTask, listTasks, verify } from './service.ts';
import { langOf } from '../http/lang.ts';

export function taskRoutes(routes: Routes, app: AppContext): void {
  const tags = ['tasks'];
  routes.add({
    method: 'get',
    path: '/api/tasks',
    summary: 'Tasks in scope; with near=lon,lat nearest first (KNN) with distance in metres; mine=true for the caller\'s own; verification tasks carry what was reported (report)',
    tags,
    access: { permission: 'task:read' },
    query: TaskListQuery,
    handler: ({ scoped, user, query, ctx }) => listTasks(app, scoped, user, query, ctx.ip),
  });
  routes.add({
    method: 'get',
    path: '/api/tasks/:id',
    summary: 'One task in scope, with what was reported (report, verification tasks) and its history (reported, created, done, cancelled)',
    tags,
    access: { permission: 'task:read' },
    params: IdParams,
    handler: ({ scoped, user, params, ctx }) => getTask(app, scoped, user, params.id, langOf(ctx.get('accept-language')), ctx.ip),
  });
  routes.add({
    method: 'post',
    path: '/api/tasks/:id/assign',
    summary: 'Reassign a task to a user whose jurisdiction covers it',
    tags,
    access: { permission: 'task:assign' },
    params: IdParams,
    body: z.strictObject({ userId: z.number().int().positive() }),
    handler: ({ scoped, user, params, body }) => assignTasks(app, scoped, user, [params.id], body.userId),
  });
  routes.add({
    method: 'post',
    path: '/api/tasks/assign',
    summary: 'Reassign several tasks at once (all or none)',
    tags,
    access: { permission: 'task:assign' },
    body: z.strictObject({ taskIds: z.array(z.number().int().positive()).min(1).max(500), userId: z.number().int().positive() }),
    handler: ({ scoped, user, body }) => assignTasks(app, scoped, user, body.taskIds, body.userId),
  });
  routes.add({
    method: 'post',
    path: '/api/tasks/:id/verification',
    summary: 'Result of a home visit: mistaken (closed), register (watch list) or refer (hospital: suspected, with a referral task for the community doctor and an alert, as an abnormal check makes; referralTaskId and alertId answered)',
    tags,
    access: { permission: 'task:work' },
    idempotent: true,
    params: IdParams,
    body: Verification,
    handler: ({ scoped, user, params, body }) => verify(app, scoped, user, params.id, body),
  });
  routes.add({
    method: 'post',
    path: '/api/tasks/:id/referral',
    summary: 'The hospital\'s answer to an open referral task: admitted, confirmed (with severity) or excluded; the person\'s status follows; 409 if the task is not an open referral or the status cannot change so',
    tags,
    access: { permission: 'task:work' },
    idempotent: true,
    params: IdParams,
    body: ReferralResult,
    handler: ({ scoped, user, params, body }) => recordReferral(app, scoped, user, params.id, body),
  });
}
