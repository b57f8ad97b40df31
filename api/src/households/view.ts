// Households as the API shows them: one masking rule for every route that returns them (lists,
// OGC features, nearby). Addresses and points follow the exact-location rule: a home is where
// its persons live.
import { addressFor, pointFor, seesExactLocations } from '../auth/exact-location.ts';
import type { Principal } from '../auth/principal.ts';

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

/** A household as a GeoJSON feature: no geometry for a caller who may not see where it is. */
export function householdFeature(r: HouseholdRow, user: Principal) {
  const { location, ...properties } = householdView(r, user);
  return { type: 'Feature' as const, id: r.id, geometry: location && { type: 'Point' as const, coordinates: [location.lon, location.lat] }, properties };
}

export function householdView(r: HouseholdRow, user: Principal) {
  const reveal = seesExactLocations(user);
  return {
    id: r.id,
    address: addressFor(reveal, r.address)!,
    building: reveal ? (r.building ?? null) : null,
    unit: reveal ? (r.unit ?? null) : null,
    room: reveal ? (r.room ?? null) : null,
    gridId: r.grid_id,
    ...(r.persons === undefined ? {} : { persons: r.persons }),
    location: pointFor(reveal, r),
  };
}
