-- Nearest-first lists show geodesic metres and are ordered by them. KNN (`<->` on the GiST index)
-- orders by degrees, and a degree of longitude is shorter than one of latitude (cos(latitude) of
-- it: at 30° N a task 483 m north came before one 481 m east). KNN still bounds the work: when the
-- n-th nearest in degrees is d° away it is at most d° × 111.7 km away on the ground, and every point
-- at most that far lies within d° / cos(latitude) — a disk the index finds with st_dwithin. The
-- lists sort that disk by metres.
create or replace function app.knn_reach(d float8, lat float8) returns float8
language sql immutable parallel safe as $$
  -- 3 d: the disk's own latitude span (its cosine is the smallest there); 1 %: the ellipsoid's
  -- metres per degree (110.6–111.7 km) and the geodesic against the straight line in degrees.
  select 1.01 * d / cos(radians(least(abs(lat) + 3 * d, 89)))
$$;
comment on function app.knn_reach(float8, float8) is
  'Radius in degrees around a point at latitude lat that holds every point as near in metres as the KNN candidate d degrees away (the nearest-first lists sort that disk by geodesic metres).';
