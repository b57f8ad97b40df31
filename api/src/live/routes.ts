// /api/live: server-sent events of the caller's jurisdiction (reports, status changes, tasks, alerts).
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../http/errors.ts';
import type { Routes } from '../http/route.ts';
import { principalFromClaims } from '../auth/service.ts';
import { LiveHub, openLiveStream } from './service.ts';

const EventId = z.coerce.number().int().min(0);

export function liveRoutes(routes: Routes, app: AppContext): void {
  const hub = new LiveHub(app);
  routes.add({
    method: 'get',
    path: '/api/live',
    summary: 'Live events as text/event-stream (`id:` = event id; resume with Last-Event-ID or ?lastEventId)',
    tags: ['live'],
    access: { permission: 'person:read' },
    query: z.strictObject({
      lastEventId: EventId.optional().openapi({ description: 'Replay events after this id (as the Last-Event-ID header)' }),
      recent: z.coerce.number().int().min(0).max(100).default(0).openapi({
        description: 'Without lastEventId: first send the latest N events of the last day (oldest first, data.replayed = true), as a feed shows when it opens',
      }),
    }),
    handler: async ({ user, query, ctx }) => {
      const header = ctx.get('last-event-id');
      let lastEventId = query.lastEventId;
      if (header) {
        const parsed = EventId.safeParse(header);
        if (!parsed.success) throw badRequest('Last-Event-ID must be an event id', 'Last-Event-ID');
        lastEventId = parsed.data;
      }
      const revalidate = () => principalFromClaims(app, { tid: user.tenantId, sid: user.sessionId, typ: 'staff' });
      const { stream, close } = await openLiveStream(app, hub, user, lastEventId, revalidate, query.recent);
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.res.on('close', close);
      if (ctx.req.socket.destroyed) close(); // gone while the stream was being opened
      // Written by hand rather than through ctx.body: Koa pipes a body stream with pipeline(), which
      // reports every client disconnect as a "Premature close" error.
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.respond = false;
      ctx.res.flushHeaders();
      stream.pipe(ctx.res);
      return undefined;
    },
  });
}
