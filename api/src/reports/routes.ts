// Reports: citizen and enterprise submissions, "my reports", staff registrations and report lists.
import type { AppContext } from '../context.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { CitizenReport, EnterpriseDeclaration, EnterpriseOptions, Registration, ReportListQuery, ReportRevealRequest } from './schema.ts';
import * as service from './service.ts';

export function reportRoutes(routes: Routes, app: AppContext): void {
  const tags = ['reports'];
  routes.add({
    method: 'post',
    path: '/api/citizen/reports',
    summary: 'Report a suspected case or a close contact (§4.1.4); dispatched to the grid that contains the location',
    tags,
    access: { citizen: true },
    idempotent: true,
    body: CitizenReport,
    status: 201,
    handler: ({ scoped, citizen, body }) => service.submitCitizenReport(app, scoped, citizen, body),
  });
  routes.add({
    method: 'get',
    path: '/api/citizen/reports',
    summary: 'My reports, with filters',
    tags,
    access: { citizen: true },
    query: ReportListQuery,
    handler: ({ scoped, citizen, query }) => service.listCitizenReports(app, scoped, citizen, query),
  });
  routes.add({
    method: 'get',
    path: '/api/citizen/reports/:id',
    summary: 'One of my reports',
    tags,
    access: { citizen: true },
    params: IdParams,
    handler: ({ scoped, citizen, params }) => service.getCitizenReport(app, scoped, citizen, params.id),
  });
  routes.add({
    method: 'get',
    path: '/api/citizen/enterprise-options',
    summary: 'Schools, grades and classes of the declaration form (configured per tenant)',
    tags,
    access: { citizen: true },
    handler: ({ citizen }) => service.enterpriseOptions(app, citizen.tenantId),
  });
  routes.add({
    method: 'get',
    path: '/api/enterprise-options',
    summary: 'The schools, grades and classes of the declaration form, for the settings screen (defaults until changed)',
    tags,
    access: { permission: 'rule:manage' },
    handler: ({ user }) => service.enterpriseOptions(app, user.tenantId),
  });
  routes.add({
    method: 'put',
    path: '/api/enterprise-options',
    summary: 'Replace the schools, grades and classes of the declaration form (an empty school list accepts any school; audited with before and after)',
    tags,
    access: { permission: 'rule:manage' },
    body: EnterpriseOptions,
    handler: ({ scoped, user, body }) => service.setEnterpriseOptions(app, scoped, user, body),
  });
  routes.add({
    method: 'post',
    path: '/api/citizen/enterprise-declarations',
    summary: 'Enterprise/school declaration of a returning person (§4.1.5); becomes a verification task',
    tags,
    access: { citizen: true },
    idempotent: true,
    body: EnterpriseDeclaration,
    status: 201,
    handler: ({ scoped, citizen, body }) => service.submitEnterpriseDeclaration(app, scoped, citizen, body),
  });
  routes.add({
    method: 'post',
    path: '/api/registrations',
    summary: 'Checkpoint, patrol or doctor-survey registration: the person goes straight onto the watch list',
    tags,
    access: { permission: 'person:write' },
    idempotent: true,
    body: Registration,
    status: 201,
    handler: ({ scoped, user, body }) => service.register(app, scoped, user, body),
  });
  routes.add({
    method: 'get',
    path: '/api/reports',
    summary: 'Reports in scope, with filters',
    tags,
    access: { permission: 'report:read' },
    query: ReportListQuery,
    handler: ({ scoped, user, query, ctx }) => service.listReports(app, scoped, user, query, ctx.ip),
  });
  routes.add({
    method: 'get',
    path: '/api/reports/:id',
    summary: 'One report in scope',
    tags,
    access: { permission: 'report:read' },
    params: IdParams,
    handler: ({ scoped, user, params, ctx }) => service.getReport(app, scoped, user, params.id, ctx.ip),
  });
  routes.add({
    method: 'post',
    path: '/api/reports/:id/reveal',
    summary: 'Show the clear phone or ID number of a report\'s subject for a stated reason, e.g. to call them before a visit (audited)',
    tags,
    access: { permission: 'person:reveal' },
    params: IdParams,
    body: ReportRevealRequest,
    stepUp: ({ body }) => body.fields.includes('subjectIdNumber'),
    handler: ({ scoped, user, params, body, ctx }) => service.revealReport(app, scoped, user, params.id, body.fields, body.reason, ctx.ip || null),
  });
}
