// /api/persons: the person register.
import type { AppContext } from '../context.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { PersonCreate, PersonListQuery, PersonPatch, RevealRequest, StatusChange } from './schema.ts';
import { changeStatus, createPerson, getEvent, getPerson, listPersons, revealPerson, updatePerson } from './service.ts';

export function personRoutes(routes: Routes, app: AppContext): void {
  const tags = ['persons'];
  routes.add({
    method: 'get',
    path: '/api/persons',
    summary: 'List persons in scope with filters (status, source, jurisdiction, date range, text) and paging',
    tags,
    access: { permission: 'person:read' },
    query: PersonListQuery,
    handler: ({ user, query }) => listPersons(app, user, query),
  });
  routes.add({
    method: 'post',
    path: '/api/persons',
    summary: 'Register a person (the grid is derived from the location or household)',
    tags,
    access: { permission: 'person:write' },
    body: PersonCreate,
    status: 201,
    handler: ({ user, body }) => createPerson(app, user, body),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/:id',
    summary: 'One person with the event history (personal data masked)',
    tags,
    access: { permission: 'person:read' },
    params: IdParams,
    handler: ({ user, params }) => getPerson(app, user, params.id),
  });
  routes.add({
    method: 'patch',
    path: '/api/persons/:id',
    summary: 'Edit a person; every change is kept as an event',
    tags,
    access: { permission: 'person:write' },
    params: IdParams,
    body: PersonPatch,
    handler: ({ user, params, body }) => updatePerson(app, user, params.id, body),
  });
  routes.add({
    method: 'post',
    path: '/api/persons/:id/status',
    summary: 'Change the status (watching → suspected → confirmed → cured/dead; released; closed); 409 if not allowed',
    tags,
    access: { permission: 'person:status' },
    params: IdParams,
    body: StatusChange,
    handler: ({ user, params, body }) => changeStatus(app, user, params.id, body),
  });
  routes.add({
    method: 'get',
    path: '/api/person-events/:id',
    summary: 'One event of a person\'s history (visible when the person is)',
    tags,
    access: { permission: 'person:read' },
    params: IdParams,
    handler: ({ user, params }) => getEvent(app, user, params.id),
  });
  routes.add({
    method: 'post',
    path: '/api/persons/:id/reveal',
    summary: 'Show unmasked personal data for a stated reason (audited)',
    tags,
    access: { permission: 'person:reveal' },
    params: IdParams,
    body: RevealRequest,
    handler: ({ user, params, body, ctx }) => revealPerson(app, user, params.id, body.fields, body.reason, ctx.ip || null),
  });
}
