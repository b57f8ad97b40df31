// What the field app's browser tests need besides the stack: a phone (390×844, touch, a position),
// places of the demo city (a point inside the first grid worker's grid), signing in as a role, and
// a fake camera that films a QR code.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import QRCode from 'qrcode';
import { DEMO_PASSWORD } from '../../../api/src/auth/seed.ts';
import { launchBrowser, type Browser } from './browser.ts';
import { byTestId, watchErrors } from './page.ts';
import { startStack, type Stack } from './stack.ts';

export const PHONE = { width: 390, height: 844 };

export interface Point {
  lon: number;
  lat: number;
}

export interface FieldPlaces {
  /** Inside the grid of `gridworker`, next to a household of it. */
  gridA: Point;
  /** Inside the grid of `gridworker2`. */
  gridB: Point;
  /** Well inside the grid of `gridworker` (its point on surface): households line its edges. */
  gridAInside: Point;
  /** A household of gridA. */
  household: { id: number; lon: number; lat: number };
}

/** Points of the demo city the roles work in, read with the owner connection. */
export async function fieldPlaces(stack: Stack): Promise<FieldPlaces> {
  const db = stack.t.app.db.ownerPool;
  const gridOf = async (user: string) =>
    (
      await db.query<{ id: number }>(
        `select us.jurisdiction_id as id from user_scopes us join users u on u.tenant_id = us.tenant_id and u.id = us.user_id
          where us.tenant_id = $1 and u.username = $2`,
        [stack.city.tenantId, stack.username(user)],
      )
    ).rows[0].id;
  const a = await gridOf('gridworker');
  const b = await gridOf('gridworker2');
  const h = (
    await db.query<{ id: number; lon: number; lat: number }>(
      `select id, st_x(geom) as lon, st_y(geom) as lat from households where tenant_id = $1 and grid_id = $2 order by id limit 1`,
      [stack.city.tenantId, a],
    )
  ).rows[0];
  const inside = async (grid: number) =>
    (
      await db.query<Point>(
        `select st_x(p) as lon, st_y(p) as lat from (select st_pointonsurface(geom) p from jurisdictions where tenant_id = $1 and id = $2) x`,
        [stack.city.tenantId, grid],
      )
    ).rows[0];
  // A few metres from the household: the report's home, with the household the nearest one.
  return { gridA: { lon: h.lon + 0.00003, lat: h.lat + 0.00002 }, gridB: await inside(b), gridAInside: await inside(a), household: h };
}

export interface PhoneOptions {
  position: Point;
  /** A QR code the fake camera films (chromium's fake capture device). */
  cameraQr?: string;
}

/** A phone browser: 390×844, touch, the position granted, optionally a camera filming a QR code. */
export async function launchPhone(opts: PhoneOptions): Promise<Browser> {
  const args: string[] = [];
  if (opts.cameraQr) {
    const file = join(tmpdir(), `gec-qr-${process.pid}-${Date.now()}.y4m`);
    writeFileSync(file, await qrVideo(opts.cameraQr));
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`);
  }
  return launchBrowser(PHONE, {
    mobile: true,
    args,
    geolocation: { longitude: opts.position.lon, latitude: opts.position.lat, accuracy: 15 },
    permissions: ['geolocation', ...(opts.cameraQr ? ['camera'] : [])],
  });
}

/** Signs in on the shared sign-in page from /field and waits for the role's home in the field app. */
export async function signInField(page: Page, stack: Stack, role: string): Promise<void> {
  await page.goto(`${stack.baseUrl}/field/`);
  const user = byTestId(page, 'login-username');
  await user.waitFor({ state: 'visible', timeout: 60_000 });
  await user.fill(stack.username(role));
  await byTestId(page, 'login-password').fill(DEMO_PASSWORD);
  await byTestId(page, 'login-submit').click();
  await page.waitForURL(/\/field\/(tasks|scan|me)/, { timeout: 60_000 });
}

/**
 * A YUV4MPEG2 video (what chromium's fake camera plays) of one QR code, black on white, centred:
 * a few identical frames, 4:2:0 with neutral chroma.
 */
export async function qrVideo(text: string, size = 480): Promise<Buffer> {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(size / (n + quiet * 2));
  const offset = Math.floor((size - scale * n) / 2);
  const y = Buffer.alloc(size * size, 235);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) y.fill(16, (offset + row * scale + dy) * size + offset + col * scale, (offset + row * scale + dy) * size + offset + (col + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((size / 2) * (size / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]);
}

/** A PNG photo of a QR code (the scanner's photo fallback). */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, width: 480 });
}

/** A file of phone tests with one phone: the stack, a phone in grid A, its page and the page's errors. */
export interface PhoneOnStack {
  stack: Stack;
  browser: Browser;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function phoneOnStack(): Promise<PhoneOnStack> {
  const stack = await startStack();
  const browser = await launchPhone({ position: (await fieldPlaces(stack)).gridA });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  return {
    stack, browser, page, errors: watchErrors(page),
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}
