// /api/checkpoint: work at entrances besides pass scans (those are /api/passes/scan).
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { CheckpointRegistration, CheckpointRegistrationResult } from './schema.ts';
import { registerAtCheckpoint } from './service.ts';

export function checkpointRoutes(routes: Routes, app: AppContext): void {
  routes.add({
    method: 'post',
    path: '/api/checkpoint/registrations',
    summary: 'Register a person without a pass at an entrance (出入口摸排): straight onto the watch list with the measured temperature; '
      + 'an ID number already on the register links that person (released or cured → watching); a fever raises an alert',
    tags: ['checkpoint'],
    access: { permission: 'pass:scan' },
    idempotent: true,
    status: 201,
    body: CheckpointRegistration,
    response: CheckpointRegistrationResult,
    handler: ({ scoped, user, body }) => registerAtCheckpoint(app, scoped, user, body),
  });
}
