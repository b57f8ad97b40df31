// Shapes of the API responses the command center reads (see README and api/src/*/routes.ts).

export const STATUSES = ['watching', 'suspected', 'confirmed', 'cured', 'dead', 'released', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
export type Counts = Record<Status, number>;

export interface Me {
  userId: number;
  username: string;
  displayName: string;
  tenant: string;
  roles: string[];
  permissions: string[];
  scope: { id: number; path: string }[];
  sessionIdleMinutes: number;
  /** A temporary password: the sign-in page asks for a new one before anything else. */
  mustChangePassword?: boolean;
  /** The account has a second factor (an authenticator app's 6-digit code, RFC 6238). */
  totpEnabled?: boolean;
  /** The policy requires a second factor of this account (an administrator): it cannot be turned off. */
  totpRequired?: boolean;
  /** An administrator whom the policy requires a second factor of: the server answers nothing else until it is set up. */
  mustEnrolTotp?: boolean;
  /** Until when actions that ask for a re-authentication need none (ISO time), or null. */
  steppedUpUntil?: string | null;
}

export interface NodeRef {
  id: number;
  name: string;
  level: number;
  parentId: number | null;
}

export interface Summary {
  node: NodeRef | null;
  range: { from: string | null; to: string | null };
  counts: Counts;
  overview: { persons: number; households: number; grids: number; openTasks: number; openAlerts: number; newInRange: number };
  daily: { day: string; registered: number; suspected: number; confirmed: number; cured: number; dead: number }[];
  cumulative: { day: string; confirmed: number; cured: number; dead: number; suspected: number }[];
  byJurisdiction: { id: number; name: string; level: number; counts: Partial<Counts>; total: number }[];
  byRoute: { route: 'imported' | 'local_contact' | 'cluster' | 'unknown' | 'unspecified'; count: number }[];
}

export type Position = [number, number];
export interface Feature<P, G = GeoJSON.Geometry> {
  type: 'Feature';
  id?: number | string;
  geometry: G;
  properties: P;
}
export interface FeatureCollection<P, G = GeoJSON.Geometry> {
  type: 'FeatureCollection';
  features: Feature<P, G>[];
}

export interface ChoroplethProps {
  id: number;
  code: string;
  name: string;
  level: number;
  parentId: number | null;
  label: Position;
  total: number;
  byStatus: Partial<Counts>;
}
export type Choropleth = FeatureCollection<ChoroplethProps>;

export interface HexProps {
  count: number;
  weight: number;
  suppressed?: boolean;
}
export type Heatmap = FeatureCollection<HexProps> & { hexagonSizeM: number; suppressedBelow: number | null };

export interface HeatPoints {
  points: [number, number, number][];
  truncated: boolean;
}

export interface JurisdictionNode extends NodeRef {
  code: string;
  path: string;
  geometry: GeoJSON.MultiPolygon | GeoJSON.Polygon;
  labelPoint: GeoJSON.Point;
  /** Null when asked with persons=false (the dashboard does: it counts from the summary). */
  persons: number | null;
}

export interface MapConfig {
  basemap: null | { type: 'xyz' | 'pmtiles'; url: string; attribution?: string };
  gcj02: boolean;
}

export interface PersonSummary {
  id: number;
  name: string;
  sex: string | null;
  age: number | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  status: Status;
  severity: string | null;
  source: string | null;
  observationMode: string | null;
  observationStart: string | null;
  observationEnd: string | null;
  /** communityName: the grid's community, when the caller may see it (grid names repeat across communities). */
  grid: { id: number; name: string; communityName?: string | null } | null;
  statusChangedAt: string;
  createdAt: string;
}
export interface PersonPage {
  items: PersonSummary[];
  total: number;
  page: number;
  pageSize: number;
}
/** An alert as GET /api/alerts lists it (open ones, newest first). */
export interface Alert {
  id: number;
  personId: number;
  personName: string;
  personStatus: Status;
  kind: string;
  detail: { temperature?: number; attempts?: number; reasons?: string[] } & Record<string, unknown>;
  grid: { name: string; communityName: string | null } | null;
  createdAt: string;
  acknowledgedAt: string | null;
}
export interface AlertPage {
  items: Alert[];
  total: number;
  page: number;
  pageSize: number;
}
export interface PersonEvent {
  id: number;
  kind: string;
  at: string;
  actor: string | { id: number; name?: string; displayName?: string } | null;
  fromStatus: Status | null;
  toStatus: Status | null;
  fromSeverity: string | null;
  toSeverity: string | null;
  changes: Record<string, unknown>;
  reason: string | null;
}
/**
 * The observation period the check and release jobs apply: the person's own dates, or counted from
 * the registration day for the tenant's days (startDefault/endDefault). `end` is exclusive.
 */
export interface ObservationPeriod {
  start: string;
  end: string;
  startDefault: boolean;
  endDefault: boolean;
  defaultDays: number;
}
export interface PersonDetail extends PersonSummary {
  masked: boolean;
  observationPeriod?: ObservationPeriod | null;
  emergencyPhone: string | null;
  nativePlace: string | null;
  infectionRoute: string | null;
  observationPlace: string | null;
  conditions: string[];
  events: PersonEvent[];
  [field: string]: unknown;
}

export interface LiveEvent {
  id: number;
  type: 'report' | 'status' | 'task_created' | 'task_done' | 'alert' | 'import';
  gridPath: string | null;
  createdAt: string;
  /** Sent as history when the stream opened (?recent), not as news. */
  replayed?: true;
  gridId?: number;
  personId?: number;
  reportId?: number;
  taskId?: number;
  alertId?: number;
  kind?: string;
  status?: Status;
  fromStatus?: Status | null;
  severity?: string | null;
  state?: string;
  /** An import's batch (type import): how many persons it added to the grid, by status. */
  importId?: number;
  count?: number;
  statuses?: Partial<Record<Status, number>>;
}

/** A published article as the phone apps show it (the staff and the public reads differ in what else they carry). */
export interface ArticleShown {
  kind: 'guide' | 'publicity' | 'news';
  title: string;
  summary?: string | null;
  body?: string | null;
  url?: string | null;
  publishedAt: string | null;
}
