// One typed configuration from the environment, validated at start with messages that name the variable.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, type ProxyTrust } from './http/client-ip.ts';
import { isTimeZone } from './time-zone.ts';

const secret = z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().startsWith('postgres').optional(),
  DATABASE_OWNER_URL: z.string().url().startsWith('postgres').optional(),
  DATA_DIR: z.string().min(1).default(resolve(import.meta.dirname, '../../data')),
  SESSION_SECRET: secret.optional(),
  FIELD_ENCRYPTION_KEY: secret.optional(),
  LOOKUP_HASH_KEY: secret.optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(8),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_SEED: z.enum(['true', 'false']).default('true'),
  SMS_PROVIDER: z.enum(['log', 'http']).default('log'),
  SMS_HTTP_URL: z.string().url().optional(),
  SMS_HTTP_TOKEN: z.string().min(1).optional(),
  SMS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
  ANONYMISE_AFTER_DAYS: z.coerce.number().int().min(30).max(3650).default(180),
  ADMIN_TOTP: z.enum(['required', 'optional']).optional(),
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
  JOBS_TIME_ZONE: z.string().default('Asia/Shanghai').refine(isTimeZone, 'must be an IANA time zone like Asia/Shanghai'),
  BASEMAP_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/i, 'must be an http(s) URL')
    .refine((u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'must contain {z}, {x} and {y}')
    .optional(),
  BASEMAP_PMTILES: z.string().min(1).optional(),
  BASEMAP_GCJ02: z.enum(['true', 'false']).default('false'),
  BASEMAP_ATTRIBUTION: z.string().max(500).default(''),
  PUBLIC_ORIGINS: z.string().max(2000).default('').refine(
    (v) => v.split(',').map((o) => o.trim()).filter(Boolean).every((o) => /^https?:\/\/[^/\s]+$/i.test(o)),
    'a comma-separated list of origins like https://gec.example.cn (scheme and host, no path)',
  ),
  TRUST_PROXY: z.string().max(2000).default('').superRefine((v, ctx) => {
    try {
      parseTrustProxy(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
}).refine((e) => !(e.BASEMAP_URL && e.BASEMAP_PMTILES), { path: ['BASEMAP_PMTILES'], message: 'set BASEMAP_URL or BASEMAP_PMTILES, not both' })
  .refine((e) => e.SMS_PROVIDER !== 'http' || e.SMS_HTTP_URL, { path: ['SMS_HTTP_URL'], message: 'required when SMS_PROVIDER=http' })
  .refine((e) => e.NODE_ENV !== 'production' || e.SMS_PROVIDER !== 'log', { path: ['SMS_PROVIDER'], message: 'the log provider is for development only; use http in production' });

export interface Secrets {
  session: Buffer;
  fieldKey: Buffer;
  lookupKey: Buffer;
}

/** The deployment's optional basemap; without one the dashboard draws a plain background (offline). */
export type Basemap =
  | { type: 'xyz'; url: string; attribution: string }
  | { type: 'pmtiles'; path: string; attribution: string };

export interface MapConfig {
  basemap: Basemap | null;
  /** The basemap is in GCJ-02 (as Chinese providers' are): the dashboard shifts its data layers to match. */
  gcj02: boolean;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Unset means the embedded PGlite database under dataDir. */
  databaseUrl?: string;
  /** Owner connection for migrations and imports; defaults to databaseUrl. */
  databaseOwnerUrl?: string;
  dataDir: string;
  poolSize: number;
  sessionIdleMinutes: number;
  logLevel: string;
  demoSeed: boolean;
  /** perAddressPerHour: SMS codes one client address may request per hour, over every tenant. */
  sms: { provider: 'log' | 'http'; url?: string; token?: string; perAddressPerHour: number };
  secrets: Secrets;
  /** Absent means no basemap, WGS-84. */
  map?: MapConfig;
  /** Failed sign-ins from one address (any names) in 15 minutes before it is blocked for 15. */
  loginFailuresPerAddress: number;
  /** Days after a case ended (released, closed) before the person's personal data is removed. */
  anonymiseAfterDays: number;
  /** Which proxies' forwarded headers are believed (http/client-ip.ts); none by default. */
  trustProxy: ProxyTrust;
  /** Origins the site's own pages are served from, besides the request's own protocol and host (a proxy that rewrites Host). */
  publicOrigins: string[];
  /**
   * Whether administrators (holders of a duty permission: user:manage, role:manage, audit:read)
   * must set up a second factor before anything else answers; required in production by default.
   */
  adminTotp: 'required' | 'optional';
  /** The time zone the scheduled jobs' patterns are read in (the jurisdiction's, not the server's). */
  jobsTimeZone: string;
  /** How long a re-authentication (sign-in or step-up) lets exports, role changes and full ID numbers through. */
  stepUpMinutes: number;
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const secrets = resolveSecrets(e, dataDir);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL ?? e.DATABASE_URL,
    dataDir,
    poolSize: e.DB_POOL_SIZE,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    logLevel: e.LOG_LEVEL,
    demoSeed: e.DEMO_SEED === 'true',
    sms: { provider: e.SMS_PROVIDER, url: e.SMS_HTTP_URL, token: e.SMS_HTTP_TOKEN, perAddressPerHour: e.SMS_PER_ADDRESS_PER_HOUR },
    secrets,
    map: { basemap: basemapOf(e), gcj02: e.BASEMAP_GCJ02 === 'true' },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    publicOrigins: e.PUBLIC_ORIGINS.split(',').map((o) => o.trim().toLowerCase()).filter(Boolean),
    loginFailuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
    anonymiseAfterDays: e.ANONYMISE_AFTER_DAYS,
    adminTotp: e.ADMIN_TOTP ?? (e.NODE_ENV === 'production' ? 'required' : 'optional'),
    stepUpMinutes: e.STEP_UP_MINUTES,
    jobsTimeZone: e.JOBS_TIME_ZONE,
  };
}

const PMTILES_MAGIC = 'PMTiles';

/** The basemap from the environment; a PMTiles path must name a readable PMTiles archive. */
function basemapOf(e: z.infer<typeof EnvSchema>): Basemap | null {
  const attribution = e.BASEMAP_ATTRIBUTION;
  if (e.BASEMAP_URL) return { type: 'xyz', url: e.BASEMAP_URL, attribution };
  if (!e.BASEMAP_PMTILES) return null;
  const path = resolve(e.BASEMAP_PMTILES);
  const bad = (why: string) => new ConfigError(`Invalid configuration:\n  BASEMAP_PMTILES: ${why} (${path})`);
  let head = Buffer.alloc(0);
  try {
    if (!statSync(path).isFile()) throw bad('not a file');
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(PMTILES_MAGIC.length);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw bad(`cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (head.toString('latin1') !== PMTILES_MAGIC) throw bad('not a PMTiles archive (it must start with "PMTiles")');
  return { type: 'pmtiles', path, attribution };
}

const SECRET_NAMES = ['SESSION_SECRET', 'FIELD_ENCRYPTION_KEY', 'LOOKUP_HASH_KEY'] as const;

/**
 * Production requires every secret from the environment. Elsewhere a missing secret is generated
 * once into DATA_DIR/secrets.json, so encrypted data stays readable across restarts.
 */
function resolveSecrets(e: z.infer<typeof EnvSchema>, dataDir: string): Secrets {
  const missing = SECRET_NAMES.filter((n) => !e[n]);
  if (missing.length > 0 && e.NODE_ENV === 'production') {
    throw new ConfigError(`Invalid configuration:\n${missing.map((n) => `  ${n}: required in production`).join('\n')}`);
  }
  let stored: Partial<Record<(typeof SECRET_NAMES)[number], string>> = {};
  const file = join(dataDir, 'secrets.json');
  if (missing.length > 0) {
    mkdirSync(dataDir, { recursive: true });
    if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
    let changed = false;
    for (const n of missing) {
      if (!stored[n]) {
        stored[n] = randomBytes(32).toString('hex');
        changed = true;
      }
    }
    if (changed) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  const get = (n: (typeof SECRET_NAMES)[number]) => Buffer.from((e[n] ?? stored[n]) as string, 'hex');
  return { session: get('SESSION_SECRET'), fieldKey: get('FIELD_ENCRYPTION_KEY'), lookupKey: get('LOOKUP_HASH_KEY') };
}
