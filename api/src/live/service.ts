// The live stream: gec_live notifications ({tenantId, id}) wake each open stream, which re-reads
// the new rows of live_events through withScope, so row-level security decides per caller and the
// table, not the notification, is the truth: a missed notification (another instance in embedded
// mode, a listener reconnecting) is caught up at the next heartbeat.
import { PassThrough } from 'node:stream';
import { callerOf, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withScope } from '../db/scope.ts';
import * as q from './queries.ts';

export const HEARTBEAT_MS = 15_000;
/** Stream timing; tests shorten the heartbeat (which also re-checks the session). */
export const liveTiming = { heartbeatMs: HEARTBEAT_MS };
const BATCH = 500;
/** How long a sent id is remembered (the late-arrival window in queries.ts is 2 minutes). */
const LATE_WINDOW_MS = 3 * 60_000;

interface LiveRow {
  id: number;
  type: string;
  grid_path: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

interface Subscriber {
  tenantId: number;
  wake(): void;
}

/** One LISTEN per app instance, fanned out to the open streams of that instance. */
export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private listening?: Promise<unknown>;
  constructor(private readonly app: AppContext) {}

  async subscribe(s: Subscriber): Promise<() => void> {
    this.subscribers.add(s);
    this.listening ??= this.app.db.listen('gec_live', (payload) => this.notified(payload)).catch((err) => {
      this.listening = undefined;
      this.app.log.error({ err }, 'live: listen failed');
    });
    await this.listening;
    return () => this.subscribers.delete(s);
  }

  private notified(payload: string): void {
    let tenantId: unknown;
    try {
      tenantId = (JSON.parse(payload) as { tenantId?: unknown }).tenantId;
    } catch {
      return;
    }
    for (const s of this.subscribers) if (s.tenantId === tenantId) s.wake();
  }
}

/** `replayed`: sent because the stream opened with ?recent (history, not news). */
export function formatEvent(r: LiveRow, replayed = false): string {
  const data = { id: r.id, type: r.type, gridPath: r.grid_path, createdAt: r.created_at, ...r.payload, ...(replayed ? { replayed: true } : {}) };
  return `id: ${r.id}\nevent: ${r.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Opens a stream for the caller: replays events after lastEventId (or, without one, the latest
 * `recent` events, marked replayed), then follows. Returns the stream and a close function;
 * nothing holds a database connection between reads.
 */
export async function openLiveStream(
  app: AppContext,
  hub: LiveHub,
  user: Principal,
  lastEventId: number | undefined,
  /** Re-resolves the caller's session: undefined once it is revoked, expired or its user disabled. */
  revalidate: () => Promise<Principal | undefined>,
  recent = 0,
) {
  // Built here, not by the route: the stream outlives its request and follows the principal re-read
  // at each heartbeat (recheck), so its caller changes with the session's scope.
  let caller = callerOf(user);
  // Read together: the history shown is exactly what lies at or below the cursor the stream follows from.
  const [cursor, history] = await withScope(app.db.pool, caller, async (tx) => [
    lastEventId ?? (await tx.one<{ id: number }>(q.latestId(user.tenantId)))!.id,
    lastEventId == null && recent > 0 ? await tx.rows<LiveRow>(q.recent(user.tenantId, recent)) : [],
  ] as const);
  let last = cursor;
  const stream = new PassThrough();
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;

  // Ids sent in the last minutes, so that late commits below the cursor are sent once.
  const sent = new Map<number, number>();
  const send = (rows: LiveRow[]) => {
    const now = Date.now();
    for (const r of rows) {
      if (sent.has(r.id)) continue;
      sent.set(r.id, now);
      stream.write(formatEvent(r));
    }
  };
  const forgetOld = () => {
    const before = Date.now() - LATE_WINDOW_MS;
    for (const [id, at] of sent) if (at < before) sent.delete(id);
  };
  // Rows at or below the starting cursor are the client's already (or older than it asked for).
  const start = last;
  const readNew = async () => {
    if (last > start) {
      const late = await withScope(app.db.pool, caller, (tx) =>
        tx.rows<LiveRow>(q.lateArrivals(user.tenantId, start, last, [...sent.keys()], BATCH)));
      if (closed) return;
      send(late);
    }
    for (;;) {
      const rows = await withScope(app.db.pool, caller, (tx) => tx.rows<LiveRow>(q.since(user.tenantId, last, BATCH)));
      if (closed) return;
      send(rows);
      if (rows.length) last = rows[rows.length - 1].id;
      if (rows.length < BATCH) return;
    }
  };
  // One read at a time; a wake-up during a read asks for one more.
  const wake = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = readNew()
      .catch((err) => app.log.warn({ err }, 'live: read failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        }
      });
  };

  stream.write(`retry: 3000\n: connected\n\n`);
  for (const r of [...history].reverse()) {
    sent.set(r.id, Date.now());
    stream.write(formatEvent(r, true));
  }
  const unsubscribe = await hub.subscribe({ tenantId: user.tenantId, wake });
  // Each heartbeat re-checks the session: a stream ends when its session does (logout, idle,
  // revocation, user disabled) or loses person:read, and follows a changed scope.
  const recheck = async () => {
    const now = await revalidate().catch(() => user);
    if (closed) return;
    if (!now || !now.permissions.includes('person:read')) {
      stream.write(`event: end\ndata: ${JSON.stringify({ reason: now ? 'forbidden' : 'unauthorized' })}\n\n`);
      close();
      return;
    }
    caller = callerOf(now);
  };
  const heartbeat = setInterval(() => {
    stream.write(': heartbeat\n\n');
    forgetOld();
    void recheck().then(wake);
  }, liveTiming.heartbeatMs);
  wake();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    stream.end();
  };
  return { stream, close };
}
