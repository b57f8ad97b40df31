// The one rule for a person's exact location and full address (where they live, where a task about
// them sends someone, the point a report was made at). Those who work with the person in the field
// see it: the grid worker of their grid and the community's doctor and staff, who hold person:reveal
// over a scope that contains them (row-level security gives the scope), and the user a task about
// them is assigned to. Everyone else (commanders, street staff, administrators) sees positions no
// finer than a grid: a grid id, a count per grid in tiles, a masked address. Every surface that
// returns locations asks here, and exact reads are audited.
import { writeAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { maskAddress } from '../crypto/pii.ts';
import { forbidden } from '../http/errors.ts';
import type { Principal } from './principal.ts';

export interface Point {
  lon: number;
  lat: number;
}

/** Whether the caller sees exact points and full addresses of the persons in their scope. */
export const seesExactLocations = (user: Pick<Principal, 'permissions'>): boolean => user.permissions.includes('person:reveal');

/** The same for one task: also its assignee, who has to go there. */
export const seesTaskLocation = (user: Pick<Principal, 'permissions' | 'userId'>, assigneeUserId: number | null | undefined): boolean =>
  seesExactLocations(user) || (assigneeUserId != null && Number(assigneeUserId) === user.userId);

/** A point as the caller may see it: the point itself, or nothing (the grid says where). */
export const pointFor = (exact: boolean, p: { lon?: number | null; lat?: number | null }): Point | null =>
  exact && p.lon != null && p.lat != null ? { lon: p.lon, lat: p.lat } : null;

/** An address as the caller may see it. */
export const addressFor = (exact: boolean, address: string | null | undefined): string | null =>
  address == null ? null : exact ? address : maskAddress(address);

/** Routes that only make sense with exact points (nearest-first lists with distances). */
export function requireExactLocations(user: Principal, what: string): void {
  if (!seesExactLocations(user)) throw forbidden(`${what} needs the right to see exact locations (person:reveal)`).withZh('需要查看精确位置的权限（person:reveal）');
}

/**
 * Records that the caller was shown exact locations: which surface, how many, and where they
 * asked (a tile, a bbox, an id). Nothing is written when nothing exact was shown.
 */
export async function auditExactRead(
  app: AppContext, user: Principal, surface: string, shown: number, detail: Record<string, unknown> = {}, ip?: string | null,
): Promise<void> {
  if (shown <= 0) return;
  await writeAudit(app.db.pool, {
    tenantId: user.tenantId, userId: user.userId, action: 'location.read', objectType: surface, ip: ip ?? null, result: 'ok',
    detail: { shown, ...detail },
  });
}

/** How long one record covers a user's further map tiles of a layer. */
const TILE_WINDOW_MS = 10 * 60_000;
const tileReads = new Map<string, { since: number; tiles: number }>();

/**
 * Exact map tiles come by the dozen on every pan: the first tile of a layer a user reads is
 * recorded, with how many tiles of that layer the previous record covered, and further tiles of
 * the layer are counted into the next record, at most one every 10 minutes per user and layer.
 */
export async function auditExactTile(app: AppContext, user: Principal, layer: string, tile: string, ip: string | null = null, now = Date.now()): Promise<void> {
  const key = `${user.tenantId}:${user.userId}:${layer}`;
  const open = tileReads.get(key);
  if (open && now - open.since < TILE_WINDOW_MS) {
    open.tiles++;
    return;
  }
  if (tileReads.size > 50_000) tileReads.clear(); // a bound for an installation with very many users
  tileReads.set(key, { since: now, tiles: 1 });
  await auditExactRead(app, user, `tile:${layer}`, 1, { tile, windowMinutes: TILE_WINDOW_MS / 60_000, previousWindowTiles: open?.tiles ?? 0 }, ip);
}
