import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'gec-cfg-'));
const hex = 'ab'.repeat(32);
const sms = { SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.example.invalid/send' };

describe('configuration', () => {
  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging', DATA_DIR: dir() });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT:/);
      expect(msg).toMatch(/DATABASE_URL:/);
      expect(msg).toMatch(/NODE_ENV:/);
    }
  });

  it('reads the public origins of the pages, and refuses one with a path', () => {
    expect(loadConfig({ DATA_DIR: dir(), PUBLIC_ORIGINS: 'https://GEC.example.cn, http://10.0.0.5:8080' }).publicOrigins).toEqual(['https://gec.example.cn', 'http://10.0.0.5:8080']);
    expect(loadConfig({ DATA_DIR: dir() }).publicOrigins).toEqual([]);
    expect(() => loadConfig({ DATA_DIR: dir(), PUBLIC_ORIGINS: 'https://gec.example.cn/admin' })).toThrow(/PUBLIC_ORIGINS:/);
  });

  it('generates secrets once into DATA_DIR outside production and keeps them', () => {
    const d = dir();
    const a = loadConfig({ DATA_DIR: d });
    const b = loadConfig({ DATA_DIR: d });
    expect(a.secrets.fieldKey.equals(b.secrets.fieldKey)).toBe(true);
    expect(a.databaseUrl).toBeUndefined();
    expect(Object.keys(JSON.parse(readFileSync(join(d, 'secrets.json'), 'utf8')))).toHaveLength(3);
  });

  it('requires every secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir(), SESSION_SECRET: hex, ...sms })).toThrow(/FIELD_ENCRYPTION_KEY: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir(), SESSION_SECRET: 'short', FIELD_ENCRYPTION_KEY: hex, LOOKUP_HASH_KEY: hex, ...sms })).toThrow(/SESSION_SECRET: must be 64 hex/);
    const c = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir(), SESSION_SECRET: hex, FIELD_ENCRYPTION_KEY: hex, LOOKUP_HASH_KEY: hex, ...sms });
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir(), SESSION_SECRET: hex, FIELD_ENCRYPTION_KEY: hex, LOOKUP_HASH_KEY: hex })).toThrow(/SMS_PROVIDER: the log provider is for development only/);
    expect(() => loadConfig({ SMS_PROVIDER: 'http', DATA_DIR: dir() })).toThrow(/SMS_HTTP_URL: required/);
    expect(c.secrets.session.length).toBe(32);
  });
});
