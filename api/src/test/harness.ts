// Builds the real app against the test database and drives it over HTTP with a cookie-keeping client.
import { pendingScans, responseScanner, type Finding } from './response-scan.ts';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../app.ts';
import { DEMO_PASSWORD } from '../auth/seed.ts';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { LogSmsProvider } from '../citizens/sms.ts';
import { PiiCipher } from '../crypto/pii.ts';
import { openDatabase, serializeClients, type Database } from '../db/database.ts';

export interface TestApp {
  app: AppContext;
  baseUrl: string;
  client(): Client;
  login(username: string, password?: string): Promise<Client>;
  close(): Promise<void>;
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Client {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const name = pair.split('=')[0];
      const kept = this.cookie.split('; ').filter((c) => c && !c.startsWith(`${name}=`));
      if (pair.split('=')[1]) kept.push(pair);
      this.cookie = kept.join('; ');
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>('GET', path, undefined, headers);
  /** A GET whose answer is bytes (tiles, workbooks). */
  async bytes(path: string): Promise<{ status: number; buf: Uint8Array; headers: Headers }> {
    const res = await fetch(this.baseUrl + path, { headers: this.cookie ? { cookie: this.cookie } : {} });
    return { status: res.status, buf: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
  }
  /** The Cookie header this client sends (for requests it does not make itself, e.g. multipart). */
  get cookies(): string {
    return this.cookie;
  }
  setCookie(cookie: string): void {
    this.cookie = this.cookie ? `${this.cookie}; ${cookie}` : cookie;
  }
  post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', path, body ?? {}, headers);
  patch = <T = any>(path: string, body: unknown, headers?: Record<string, string>) => this.request<T>('PATCH', path, body, headers);
}

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const mode = inject('dbMode');
  const db = await openDatabase({ databaseUrl: inject('dbUrl'), databaseOwnerUrl: inject('dbOwnerUrl'), poolSize: 4 });
  db.mode = mode;
  // The test database is reached over its socket; in embedded mode the clients need the same
  // one-at-a-time discipline the embedded Database applies (see serializeClients).
  if (mode === 'embedded') serializeClients([db.pool, db.ownerPool]);
  return serveApp(db, overrides);
}

/** The real app on a database the caller opened (closed with the app). */
export async function serveApp(db: Database, overrides: Partial<Config> = {}): Promise<TestApp> {
  const config: Config = {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    poolSize: 4,
    sessionIdleMinutes: 30,
    // TEST_LOG_LEVEL=error shows the server's errors (a 500's cause) while tests run.
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    demoSeed: false,
    // every test signs citizens in from 127.0.0.1, and the per-address limit counts over all tenants
    sms: { provider: 'log', perAddressPerHour: 100_000 },
    secrets: { session: randomBytes(32), fieldKey: randomBytes(32), lookupKey: randomBytes(32) },
    trustProxy: { kind: 'none' },
    publicOrigins: [],
    // every test signs in from 127.0.0.1; the tests of the per-address throttle set their own
    loginFailuresPerAddress: 100_000,
    anonymiseAfterDays: 180,
    adminTotp: 'optional',
    stepUpMinutes: 10,
    jobsTimeZone: 'Asia/Shanghai',
    ...overrides,
  };
  const log = pino({ level: config.logLevel });
  const app: AppContext = { db, config, log, cipher: new PiiCipher(config.secrets), sms: new LogSmsProvider(log) };
  const koa = buildApp(app);
  // First of all middleware: every answer of the suite is scanned for clear personal numbers.
  const findings: Finding[] = [];
  koa.middleware.unshift(responseScanner(findings));
  const server: Server = koa.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    baseUrl,
    client: () => new Client(baseUrl),
    async login(username, password = DEMO_PASSWORD) {
      const c = new Client(baseUrl);
      const r = await c.post('/api/auth/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      return c;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.close();
      await Promise.all(pendingScans);
      if (findings.length) {
        throw new Error(`clear personal numbers in ${findings.length} answers:\n${findings.slice(0, 10).map((x) => `${x.route} ${x.status} ${x.kind}: …${x.excerpt}…`).join('\n')}`);
      }
    },
  };
}
