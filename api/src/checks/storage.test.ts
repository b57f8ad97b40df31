import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abnormalities } from './rules.ts';
import { detectImage, FileSystemStorage, photoKey } from './storage.ts';
import { JPEG, PNG, WEBP } from './test-helpers.ts';

describe('detectImage', () => {
  it('recognises JPEG, PNG and WebP by their bytes and nothing else', () => {
    expect(detectImage(JPEG)).toBe('image/jpeg');
    expect(detectImage(PNG)).toBe('image/png');
    expect(detectImage(WEBP)).toBe('image/webp');
    expect(detectImage(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectImage(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(detectImage(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(detectImage(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('FileSystemStorage', () => {
  it('stores by key, reads back, leaves no temporary files and refuses keys that are not content hashes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gec-storage-'));
    const storage = new FileSystemStorage(root);
    const key = photoKey(7, 'a'.repeat(64));
    expect(await storage.get(key)).toBeUndefined();
    await storage.put(key, PNG);
    await storage.put(key, PNG);
    expect((await storage.get(key))!.equals(PNG)).toBe(true);
    expect(readdirSync(join(root, 'files', '7'))).toEqual(['a'.repeat(64)]);
    await expect(storage.put('files/7/../../etc/passwd', PNG)).rejects.toThrow(/bad storage key/);
    await expect(storage.get('/etc/passwd')).rejects.toThrow(/bad storage key/);
  });
});

describe('abnormalities', () => {
  const ok = { fever: false, cough: false, fatigue: false, shortBreath: false, temperature: 36.5 };
  it('flags the threshold itself, any symptom, and nothing else', () => {
    expect(abnormalities(ok, 37.3)).toEqual([]);
    expect(abnormalities({ ...ok, temperature: 37.2 }, 37.3)).toEqual([]);
    expect(abnormalities({ ...ok, temperature: 37.3 }, 37.3)).toEqual(['体温37.3℃']);
    expect(abnormalities({ ...ok, temperature: 0.1 + 37.2 }, 37.3)).toEqual(['体温37.3℃']);
    expect(abnormalities({ ...ok, cough: true, shortBreath: true }, 37.3)).toEqual(['咳嗽', '气促']);
    expect(abnormalities({ ...ok, temperature: 37.5 }, 38)).toEqual([]);
  });
});
