// /api/check-rules, /api/checks, /api/persons/:id/checks, /api/citizen/self-reports, /api/files,
// /api/release-candidates, /api/persons/:id/release, /api/alerts (requirements §4.1.6, §4.1.8).
import type { AppContext } from '../context.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { etagOf, expectedVersion } from '../http/precondition.ts';
import { acknowledgeAlert, listAlerts, releaseCandidates, releasePerson } from './release.ts';
import { readPhoto, uploadPhoto } from './photos.ts';
import { getOverdueRelease, getRules, previewRules, putOverdueRelease, putRules } from './rules.ts';
import { AlertListQuery, CheckListQuery, CheckRules, DoctorCheck, FileUpload, NearbyQuery, OverdueRelease, PageQuery, Release, SelfReport } from './schema.ts';
import { getCheck, getSelfReport, listChecks, listSelfReports, nearbyTasks, recordDoctorCheck, submitSelfReport } from './service.ts';

export function checkRoutes(routes: Routes, app: AppContext): void {
  const tags = ['checks'];
  routes.add({
    method: 'get', path: '/api/check-rules', tags, access: { permission: 'rule:manage' },
    summary: 'Check rules of the tenant (defaults until changed)',
    handler: ({ scoped, user }) => getRules(app, scoped, user),
  });
  routes.add({
    method: 'put', path: '/api/check-rules', tags, access: { permission: 'rule:manage' },
    summary: 'Replace the check rules: statuses checked, daily check times, observation days, fever threshold, self-report window, time zone',
    body: CheckRules,
    handler: ({ scoped, user, body }) => putRules(app, scoped, user, body),
  });
  routes.add({
    method: 'post', path: '/api/check-rules/preview', tags, access: { permission: 'rule:manage' },
    summary: 'How many check tasks the given rules would make now (today\'s slots, those not made yet, their persons, open tasks a run would cancel), from the job\'s own query, without saving or writing',
    body: CheckRules,
    handler: ({ scoped, user, body }) => previewRules(app, scoped, user, body),
  });
  routes.add({
    method: 'get', path: '/api/settings/overdue-release', tags, access: { permission: 'rule:manage' },
    summary: 'Overdue and release settings of the tenant: self-report window, referral deadline, observation length',
    handler: ({ scoped, user }) => getOverdueRelease(app, scoped, user),
  });
  routes.add({
    method: 'put', path: '/api/settings/overdue-release', tags, access: { permission: 'rule:manage' },
    summary: 'Replace the overdue and release settings (audited with before and after)',
    body: OverdueRelease,
    handler: ({ scoped, user, body }) => putOverdueRelease(app, scoped, user, body),
  });
  routes.add({
    method: 'get', path: '/api/checks/tasks/nearby', tags, access: { permission: 'check:write' },
    summary: 'Open check (or referral) tasks nearest to the doctor\'s position near=lon,lat, in scope, with distance in metres',
    query: NearbyQuery,
    handler: ({ scoped, user, query }) => nearbyTasks(app, scoped, user, query),
  });
  routes.add({
    method: 'post', path: '/api/persons/:id/checks', tags, access: { permission: 'check:write' }, idempotent: true, status: 201,
    summary: 'Record a doctor\'s check; an abnormal reading makes the person suspected, opens a referral and raises an alert',
    params: IdParams,
    body: DoctorCheck,
    handler: ({ scoped, user, params, body }) => recordDoctorCheck(app, scoped, user, params.id, body),
  });
  routes.add({
    method: 'get', path: '/api/checks', tags, access: { permission: 'person:read' },
    summary: 'Check and self-report history in scope, by person, kind, date range and abnormality; mine=true for the checks the caller recorded',
    query: CheckListQuery,
    handler: ({ scoped, user, query }) => listChecks(app, scoped, user, query),
  });
  routes.add({
    method: 'get', path: '/api/checks/:id', tags, access: { permission: 'person:read' },
    summary: 'One check or self-report in scope',
    params: IdParams,
    handler: ({ scoped, user, params }) => getCheck(app, scoped, user, params.id),
  });
  routes.add({
    method: 'post', path: '/api/citizen/self-reports', tags: ['citizen'], access: { citizen: true }, idempotent: 'answer-at-commit', status: 201,
    summary: 'Daily self-report of a quarantined resident (account bound to their person); abnormal readings raise an alert',
    body: SelfReport,
    handler: ({ citizen, body }) => submitSelfReport(app, citizen, body),
  });
  routes.add({
    method: 'get', path: '/api/citizen/self-reports', tags: ['citizen'], access: { citizen: true },
    summary: 'The signed-in resident\'s own self-reports, newest first',
    query: PageQuery,
    handler: ({ scoped, citizen, query }) => listSelfReports(app, scoped, citizen, query),
  });
  routes.add({
    method: 'get', path: '/api/citizen/self-reports/:id', tags: ['citizen'], access: { citizen: true },
    summary: 'One of the signed-in resident\'s own self-reports',
    params: IdParams,
    handler: ({ scoped, citizen, params }) => getSelfReport(app, scoped, citizen, params.id),
  });
  routes.add({
    method: 'post', path: '/api/files', tags, access: { permission: 'check:write' }, idempotent: true, status: 201,
    summary: 'Upload a check photo (base64 JSON; JPEG, PNG or WebP by content; at most 5 MB, and within the 1 MB JSON body limit)',
    body: FileUpload,
    handler: ({ scoped, user, body }) => uploadPhoto(app, scoped, user, body),
  });
  routes.add({
    method: 'get', path: '/api/files/:id', tags, access: { permission: 'person:read' },
    summary: 'The bytes of a photo, for callers who can see its person',
    params: IdParams,
    async handler({ scoped, user, params, ctx }) {
      const photo = await readPhoto(app, scoped, user, params.id);
      ctx.status = 200;
      ctx.type = photo.mime;
      ctx.set('Content-Disposition', `inline; filename="photo-${params.id}.${photo.mime.slice(6)}"`);
      ctx.body = photo.data;
      return undefined;
    },
  });
  routes.add({
    method: 'get', path: '/api/release-candidates', tags, access: { permission: 'person:read' },
    summary: 'Persons under observation whose observation ended without an abnormal reading (解除隔离名单)',
    query: PageQuery,
    handler: ({ scoped, user, query }) => releaseCandidates(app, scoped, user, query),
  });
  routes.add({
    method: 'post', path: '/api/persons/:id/release', tags, access: { permission: 'person:status' },
    summary: 'Release after a completed observation: status released, release notice issued, pass re-enabled, open referral tasks closed; 409 if not eligible',
    params: IdParams,
    body: Release,
    handler: async ({ scoped, user, params, body, ctx }) => {
      const r = await releasePerson(app, scoped, user, params.id, body, expectedVersion(ctx, body.version));
      ctx.set('ETag', etagOf(r.version));
      return r;
    },
  });
  routes.add({
    method: 'get', path: '/api/alerts', tags, access: { permission: 'person:read' },
    summary: 'Alerts of abnormal readings in scope, newest first (open only by default)',
    query: AlertListQuery,
    handler: ({ scoped, user, query }) => listAlerts(app, scoped, user, query),
  });
  routes.add({
    // Those who work the tasks and those who watch the command center: an alert is acknowledged where it is seen.
    method: 'post', path: '/api/alerts/:id/acknowledge', tags, access: { anyPermission: ['task:work', 'dashboard:view'] },
    summary: 'Acknowledge an alert (seen and being handled)',
    params: IdParams,
    handler: ({ scoped, user, params }) => acknowledgeAlert(app, scoped, user, params.id),
  });
}
