// Staff the generated history needs: one community doctor per community, who records the doctors'
// checks of that community's persons (health_checks.recorder_user_id). They are demo records, not
// accounts: no usable password (the stored hash is no argon2 hash, so no password verifies), no
// position and so no permissions; the community is their scope.
import type pg from 'pg';
import type { CityLayout } from './city.ts';
import { personName } from './people.ts';
import { rngFor } from './prng.ts';
import * as q from './queries.ts';

/** Usernames of the generated doctors: the prefix and the community's code (the SQL joins on it). */
export const RECORDER_PREFIX = 'doctor.';
/** Not an argon2 hash: verification of any password against it fails. */
export const NO_PASSWORD = '!generated:no-sign-in';

export interface RecorderRow {
  jurisdiction_id: number;
  username: string;
  display_name: string;
}

/** The doctors of the communities (level 4), deterministic in the seed. */
export function recorderRows(city: CityLayout, communityIds: number[], seed: number): RecorderRow[] {
  const communities = city.levels[3];
  return communities.map((c, i) => {
    const rng = rngFor(seed, 'doctor', i);
    return { jurisdiction_id: communityIds[i], username: RECORDER_PREFIX + c.code, display_name: `社区医生 ${personName(rng, rng.chance(0.5) ? 'female' : 'male')}` };
  });
}

/** Inserts the doctors set-based; returns how many. */
export async function insertRecorders(pool: pg.Pool, tenantId: number, rows: RecorderRow[]): Promise<number> {
  const { rows: out } = await pool.query<{ n: number }>(q.insertRecorders(tenantId, rows, NO_PASSWORD).toQuery());
  return out[0].n;
}
