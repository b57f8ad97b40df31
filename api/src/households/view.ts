// Households as the API shows them: one masking rule for every route that returns them
// (lists, OGC features, nearby). Addresses and exact points only for roles with person:reveal.
import { can, type Principal } from '../auth/principal.ts';
import { maskAddress } from '../crypto/pii.ts';

export interface HouseholdRow {
  id: number;
  address: string;
  building?: string | null;
  unit?: string | null;
  room?: string | null;
  grid_id: number | null;
  lon: number;
  lat: number;
  persons?: number;
}

export function householdView(r: HouseholdRow, user: Principal) {
  const reveal = can(user, 'person:reveal');
  return {
    id: r.id,
    address: reveal ? r.address : maskAddress(r.address),
    building: reveal ? (r.building ?? null) : null,
    unit: reveal ? (r.unit ?? null) : null,
    room: reveal ? (r.room ?? null) : null,
    gridId: r.grid_id,
    ...(r.persons === undefined ? {} : { persons: r.persons }),
    location: reveal ? { lon: r.lon, lat: r.lat } : null,
  };
}
