// /api/persons: the person register.
import type Koa from 'koa';
import type { AppContext } from '../context.ts';
import { langOf } from '../http/lang.ts';
import { etagOf, expectedVersion } from '../http/precondition.ts';
import { eventsIn } from './reason-words.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { NoteCreate, PersonCreate, PersonDraft, PersonListQuery, PersonPatch, RevealRequest, StatusChange, TemperatureListQuery } from './schema.ts';
import { personForm } from './form.ts';
import { personDataRoutes } from '../person-data/routes.ts';
import { addNote, changeStatus, createPerson, getEvent, getPerson, listPersons, listTemperatures, revealPerson, updatePerson, validatePersonDraft } from './service.ts';

/**
 * A person as answered: its version as an ETag, for If-Match on the next change, and its events'
 * server-written reasons in English when English is asked for (records are read as written
 * otherwise; the apps send the user's choice).
 */
function tagged<T extends { version: number; events: { reason: string | null }[] }>(ctx: Koa.Context, person: T): T {
  ctx.set('ETag', etagOf(person.version));
  const asked = ctx.get('accept-language');
  return asked && asked.trim() !== '*' ? { ...person, events: eventsIn(person.events, langOf(asked)) } : person;
}

export function personRoutes(routes: Routes, app: AppContext): void {
  const tags = ['persons'];
  // Excel template, imports and exports first: their paths would otherwise match /api/persons/:id.
  personDataRoutes(routes, app);
  routes.add({
    method: 'get',
    path: '/api/persons',
    summary: 'List persons in scope with filters (status, source, jurisdiction, date range, text) and paging',
    tags,
    access: { permission: 'person:read' },
    query: PersonListQuery,
    handler: ({ scoped, user, query, ctx }) => listPersons(app, scoped, user, query, ctx.ip || null),
  });
  routes.add({
    method: 'post',
    path: '/api/persons',
    summary: 'Register a person (the grid is derived from the location or household)',
    tags,
    access: { permission: 'person:write' },
    body: PersonCreate,
    status: 201,
    handler: async ({ scoped, user, body, ctx }) => tagged(ctx, await createPerson(app, scoped, user, body, ctx.ip || null)),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/form',
    summary: 'The person form of §5.1 in steps (identity, health, trajectory, management, residence), each field with its type, allowed values and limits, from the validation schema',
    tags,
    access: { permission: 'person:write' },
    handler: async () => personForm(),
  });
  routes.add({
    method: 'post',
    path: '/api/persons/validate',
    summary: 'Check a person form as it is filled in (the rules of a registration on what is entered so far); writes nothing. 200 {ok:true}, or the error naming the field',
    tags,
    access: { permission: 'person:write' },
    body: PersonDraft,
    handler: ({ scoped, user, body }) => validatePersonDraft(app, scoped, user, body),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/:id',
    summary: 'One person with the event history (personal data masked)',
    tags,
    access: { permission: 'person:read' },
    params: IdParams,
    handler: async ({ scoped, user, params, ctx }) => tagged(ctx, await getPerson(app, scoped, user, params.id, ctx.ip)),
  });
  routes.add({
    method: 'patch',
    path: '/api/persons/:id',
    summary: 'Edit a person; every change is kept as an event',
    tags,
    access: { permission: 'person:write' },
    params: IdParams,
    body: PersonPatch,
    handler: async ({ scoped, user, params, body, ctx }) => tagged(ctx, await updatePerson(app, scoped, user, params.id, body, () => expectedVersion(ctx, body.version))),
  });
  routes.add({
    method: 'post',
    path: '/api/persons/:id/status',
    summary: 'Change the status (watching → suspected → confirmed → cured/dead; released; closed); 409 if not allowed. Confirmed, cured, dead, released and closed also close the person\'s open referral tasks',
    tags,
    access: { permission: 'person:status' },
    idempotent: true,
    params: IdParams,
    body: StatusChange,
    handler: async ({ scoped, user, params, body, ctx }) => tagged(ctx, await changeStatus(app, scoped, user, params.id, body, expectedVersion(ctx, body.version))),
  });
  routes.add({
    method: 'post',
    path: '/api/persons/:id/notes',
    summary: 'Add a follow-up note (后续行为动态记录) to the person\'s history: an event of kind note, its text in reason',
    tags,
    access: { permission: 'person:write' },
    idempotent: true,
    status: 201,
    params: IdParams,
    body: NoteCreate,
    handler: ({ scoped, user, params, body }) => addNote(app, scoped, user, params.id, body.text),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/:id/temperatures',
    summary: 'The person\'s temperature readings, newest first: self-measured (self) and measured by staff (measured), with who recorded them',
    tags,
    access: { permission: 'person:read' },
    params: IdParams,
    query: TemperatureListQuery,
    handler: ({ scoped, user, params, query }) => listTemperatures(app, scoped, user, params.id, query),
  });
  routes.add({
    method: 'get',
    path: '/api/person-events/:id',
    summary: 'One event of a person\'s history (visible when the person is)',
    tags,
    access: { permission: 'person:read' },
    params: IdParams,
    handler: ({ scoped, user, params }) => getEvent(app, scoped, user, params.id),
  });
  routes.add({
    method: 'post',
    path: '/api/persons/:id/reveal',
    summary: 'Show unmasked personal data for a stated reason (audited)',
    tags,
    access: { permission: 'person:reveal' },
    params: IdParams,
    body: RevealRequest,
    // a full ID number needs a recent re-authentication (issue 13)
    stepUp: ({ body }) => body.fields.includes('idNumber'),
    handler: ({ scoped, user, params, body, ctx }) => revealPerson(app, scoped, user, params.id, body.fields, body.reason, ctx.ip || null),
  });
}
