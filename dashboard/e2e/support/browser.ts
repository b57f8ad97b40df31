// Chromium driven by playwright-core (never `npx playwright install`: it downloads and fails here):
// Debian's /usr/bin/chromium (or CHROMIUM_PATH) when present, else the Chromium that the npm package
// @sparticuz/chromium ships, so `npm test` runs on a machine with only Node and npm. Launch options
// from /work/shared/STACK.md "Browser tests": SwiftShader WebGL2, so maplibre and deck.gl really draw.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Flags of @sparticuz/chromium's own list that are not wanted here: it is built for AWS Lambda, and
 * turning off web security or site isolation would hide what a real browser enforces.
 */
const SPARTICUZ_DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--single-process']);

export interface ChromiumBinary {
  path: string;
  args: string[];
  source: 'CHROMIUM_PATH' | 'debian' | 'npm';
}

let resolved: Promise<ChromiumBinary> | undefined;

/** The chromium to drive: CHROMIUM_PATH, else Debian's, else the one from npm (unpacked to /tmp once). */
export function chromiumBinary(): Promise<ChromiumBinary> {
  resolved ??= (async (): Promise<ChromiumBinary> => {
    const configured = process.env.CHROMIUM_PATH;
    if (configured) {
      if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
      return { path: configured, args: CHROMIUM_ARGS, source: 'CHROMIUM_PATH' };
    }
    if (existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, args: CHROMIUM_ARGS, source: 'debian' };
    const { default: sparticuz } = await import('@sparticuz/chromium');
    const path = await sparticuz.executablePath();
    const args = [...new Set([...sparticuz.args.filter((a) => !SPARTICUZ_DROPPED.has(a)), ...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu')])];
    return { path, args, source: 'npm' };
  })();
  return resolved;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Phone emulation: touch, mobile viewport meta, device scale. */
  mobile?: boolean;
  /** Extra chromium flags (a fake camera for the checkpoint tests). */
  args?: string[];
  geolocation?: { longitude: number; latitude: number; accuracy?: number };
  permissions?: string[];
}

/** A fresh persistent context in its own temporary profile. */
export async function launchBrowser(viewport = { width: 1920, height: 1080 }, opts: LaunchOptions = {}): Promise<Browser> {
  const binary = await chromiumBinary();
  const profile = await mkdtemp(join(tmpdir(), 'gec-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: binary.path,
    headless: true,
    args: [...binary.args, ...(opts.args ?? [])],
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(opts.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    ...(opts.geolocation ? { geolocation: opts.geolocation } : {}),
    permissions: opts.permissions ?? (opts.geolocation ? ['geolocation'] : []),
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes, row by row */
  data: Uint8Array;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what chromium's screenshots are). */
export function decodePng(png: Buffer): Rgba {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      colorType = body[9];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || body[12] !== 0) {
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${body[12]}`);
      }
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out.set(cur.subarray(x * channels, x * channels + 3), (y * width + x) * 4);
      out[(y * width + x) * 4 + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev = cur;
  }
  return { width, height, data: out };
}

/** Share of pixels that are clearly coloured (saturated and not near-black): data, not the dark background. */
export function colouredShare(img: Rgba): number {
  let n = 0;
  const { data } = img;
  for (let i = 0; i < data.length; i += 4) {
    const max = Math.max(data[i], data[i + 1], data[i + 2]);
    const min = Math.min(data[i], data[i + 1], data[i + 2]);
    if (max >= 90 && max - min >= 60) n++;
  }
  return n / (img.width * img.height);
}

/** Share of pixels whose colour differs by more than `threshold` (sum of channel differences). */
export function diffShare(a: Rgba, b: Rgba, threshold = 48): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size');
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const d = Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
    if (d > threshold) n++;
  }
  return n / (a.width * a.height);
}
