// Where uploaded bytes live: a small Storage interface with a filesystem implementation under
// DATA_DIR, and the photo checks (type by content, size).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface Storage {
  /** Stores bytes under a key; storing the same key again is harmless (keys are content hashes). */
  put(key: string, data: Buffer): Promise<void>;
  /** The bytes of a key, or undefined when there are none. */
  get(key: string): Promise<Buffer | undefined>;
}

const KEY = /^files\/\d+\/[0-9a-f]{64}$/;

function checkKey(key: string): void {
  // Keys are made by code, never taken from input; this guards the filesystem all the same.
  if (!KEY.test(key)) throw new Error(`bad storage key ${key}`);
}

export class FileSystemStorage implements Storage {
  constructor(private readonly root: string) {}

  async put(key: string, data: Buffer): Promise<void> {
    checkKey(key);
    const path = join(this.root, key);
    if (await stat(path).then(() => true, () => false)) return;
    await mkdir(dirname(path), { recursive: true });
    // Write aside and rename, so a reader never sees half a file.
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    checkKey(key);
    try {
      return await readFile(join(this.root, key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

export const photoKey = (tenantId: number, sha256: string) => `files/${tenantId}/${sha256}`;

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp';

const startsWith = (b: Buffer, bytes: number[], at = 0) => b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image type by its magic bytes; undefined for anything that is not JPEG, PNG or WebP. */
export function detectImage(b: Buffer): ImageMime | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}
