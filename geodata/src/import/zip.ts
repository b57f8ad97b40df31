// Reading an uploaded zip without trusting it: sizes are checked from the central directory before
// anything is inflated, and again while inflating, so a zip bomb stops at the limit.
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { BoundaryFileError } from './types.ts';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export function isZip(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5) && (data[3] === 4 || data[3] === 6);
}

export class ZipArchive {
  private inflated = 0;

  private constructor(
    private readonly data: Buffer,
    private readonly entries: ZipEntry[],
    private readonly maxUnpackedBytes: number,
  ) {}

  /** Opens the archive's directory; refuses it when the sizes it declares exceed the limit. */
  static open(data: Buffer, maxUnpackedBytes: number): ZipArchive {
    const entries = readDirectory(data);
    const declared = entries.reduce((sum, e) => sum + e.size, 0);
    if (declared > maxUnpackedBytes) {
      throw new BoundaryFileError('zip_bomb', `the zip unpacks to ${declared} bytes; at most ${maxUnpackedBytes} are accepted`);
    }
    return new ZipArchive(data, entries, maxUnpackedBytes);
  }

  /** File names, without folders and the resource forks macOS adds. */
  get names(): string[] {
    return this.entries.map((e) => e.name).filter((n) => !n.endsWith('/') && !n.startsWith('__MACOSX/') && !/(^|\/)\._/.test(n));
  }

  /** The unpacked bytes of one file; the budget of unpacked bytes is shared by all reads. */
  read(name: string): Buffer {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`no ${name} in the zip`);
    if (entry.encrypted) throw new BoundaryFileError('invalid_zip', `${name} in the zip is encrypted`);
    const bytes = this.inflate(entry, this.compressedBytes(entry));
    if (bytes.length !== entry.size) {
      throw new BoundaryFileError('invalid_zip', `${name} in the zip unpacks to ${bytes.length} bytes, not the ${entry.size} its header says`);
    }
    this.inflated += bytes.length;
    return bytes;
  }

  /**
   * Inflates every file without keeping it and returns the unpacked bytes; refuses the archive as
   * soon as they pass the limit, whatever its headers say (for readers that inflate by themselves).
   */
  async measure(): Promise<number> {
    let total = 0;
    for (const entry of this.entries) {
      if (entry.encrypted) throw new BoundaryFileError('invalid_zip', `${entry.name} in the zip is encrypted`);
      const compressed = this.compressedBytes(entry);
      let n: number;
      if (entry.method === 0) n = compressed.length;
      else if (entry.method === 8) n = await countInflated(compressed, this.maxUnpackedBytes - total, this.maxUnpackedBytes);
      else throw new BoundaryFileError('invalid_zip', `${entry.name} in the zip uses compression method ${entry.method}; only stored and deflated files are read`);
      total += n;
      if (total > this.maxUnpackedBytes) throw tooBig(this.maxUnpackedBytes);
      if (n !== entry.size) throw new BoundaryFileError('invalid_zip', `${entry.name} in the zip unpacks to ${n} bytes, not the ${entry.size} its header says`);
    }
    return total;
  }

  private compressedBytes(entry: ZipEntry): Buffer {
    const at = entry.localHeaderOffset;
    if (at + 30 > this.data.length || this.data.readUInt32LE(at) !== LOCAL_HEADER) throw corrupt();
    const start = at + 30 + this.data.readUInt16LE(at + 26) + this.data.readUInt16LE(at + 28);
    if (start + entry.compressedSize > this.data.length) throw corrupt();
    return this.data.subarray(start, start + entry.compressedSize);
  }

  private inflate(entry: ZipEntry, compressed: Buffer): Buffer {
    const budget = this.maxUnpackedBytes - this.inflated;
    if (entry.method === 0) return compressed;
    if (entry.method !== 8) throw new BoundaryFileError('invalid_zip', `${entry.name} in the zip uses compression method ${entry.method}; only stored and deflated files are read`);
    try {
      // Headers can lie: zlib stops at the remaining budget whatever they say.
      return inflateRawSync(compressed, { maxOutputLength: Math.max(1, budget) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooBig(this.maxUnpackedBytes);
      }
      throw corrupt();
    }
  }
}

function tooBig(max: number): BoundaryFileError {
  return new BoundaryFileError('zip_bomb', `the zip unpacks to more than ${max} bytes (its headers said less)`);
}

/** Bytes `compressed` inflates to, counted as they stream; stops past `budget` (of the archive's `max`). */
function countInflated(compressed: Buffer, budget: number, max: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw();
    let n = 0;
    inflater.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > budget) {
        inflater.destroy();
        reject(tooBig(max));
      }
    });
    inflater.on('end', () => resolve(n));
    inflater.on('error', () => reject(corrupt()));
    inflater.end(compressed);
  });
}

function corrupt(): BoundaryFileError {
  return new BoundaryFileError('invalid_zip', 'the zip is damaged and cannot be unpacked');
}

function readDirectory(data: Buffer): ZipEntry[] {
  const end = findEndOfDirectory(data);
  const count = data.readUInt16LE(end + 10);
  const directoryOffset = data.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new BoundaryFileError('invalid_zip', 'ZIP64 archives are not read; zip the files without ZIP64');
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== DIRECTORY_ENTRY) throw corrupt();
    const flags = data.readUInt16LE(at + 8);
    const nameLength = data.readUInt16LE(at + 28);
    entries.push({
      name: entryName(data.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0),
      method: data.readUInt16LE(at + 10),
      encrypted: (flags & 1) !== 0,
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      localHeaderOffset: data.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
  }
  return entries;
}

function findEndOfDirectory(data: Buffer): number {
  const lowest = Math.max(0, data.length - 22 - 0xffff); // the record ends with a comment of at most 64 KiB
  for (let at = data.length - 22; at >= lowest; at--) {
    if (data.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw corrupt();
}

/** Names are UTF-8 when flagged; Chinese Windows zips them in GBK without the flag. */
function entryName(bytes: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return new TextDecoder('utf-8').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}
