// Electronic passes: citizens register and show a QR; checkpoints verify (offline with the public
// keys, online with /api/passes/scan) and record temperature, place and time.
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { Location } from '../geo/point.ts';
import { scanPass, verifyPass } from './scan.ts';
import { currentPass, registerPass, tenantKeys } from './service.ts';

const tenant = z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'tenant code').openapi({ example: 'demo' });

const Pass = z
  .object({ id: z.number(), holderName: z.string(), idNumber: z.string().openapi({ description: 'masked' }), issuedAt: z.string() })
  .openapi('Pass');

const PassRegistration = z
  .strictObject({
    name: z.string().trim().min(1).max(50),
    idNumber: z.string().trim().min(5).max(30).openapi({ description: 'Resident ID number (18 characters)' }),
  })
  .openapi('PassRegistration');

const PassQr = z
  .object({
    pass: Pass,
    token: z.string().openapi({ description: 'EdDSA JWT {tid, pid, iat, exp}; verify with GET /api/passes/keys' }),
    expiresAt: z.string(),
    qr: z.string().openapi({ description: 'data:image/png;base64 QR code of the token' }),
  })
  .openapi('PassQr');

const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi('Jwks');

const PassScan = z
  .strictObject({
    token: z.string().trim().min(1).max(4000).optional().openapi({ description: 'The token read from the QR; absent when the person has no pass' }),
    temperature: z.number().min(30).max(45).openapi({ description: '°C, one decimal kept', example: 36.6 }),
    place: z.string().trim().min(1).max(100).openapi({ example: '东一社区北门' }),
    location: Location.optional(),
    deviceTime: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Time on the scanning phone (stored beside server time); required with scannedOffline, at most 2 minutes ahead of the server' }),
    scannedOffline: z.boolean().default(false).openapi({
      description: 'The checkpoint verified the QR offline (GET /api/passes/keys) and queued the scan: the token\'s expiry is judged at deviceTime, not on arrival',
    }),
  })
  .openapi('PassScan');

const ScanResult = z
  .object({
    id: z.number(),
    result: z.enum(['allowed', 'refused']),
    reasons: z.array(z.string()),
    holder: z.object({ name: z.string(), idNumber: z.string() }).nullable(),
    passId: z.number().nullable(),
    temperature: z.number(),
    fever: z.boolean(),
    place: z.string(),
    scannedOffline: z.boolean(),
    registration: z
      .object({
        reportId: z.number(),
        personId: z.number().nullable(),
        personCreated: z.boolean(),
        taskId: z.number().nullable().openapi({ description: 'The verification task when the fever could not be placed on the register' }),
        alertId: z.number().nullable(),
        statusChange: z.object({ from: z.string(), to: z.string() }).nullable(),
        note: z.string(),
      })
      .nullable(),
    deviceTime: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ScanResult');

const PassVerification = z
  .object({
    verdict: z.enum(['valid', 'revoked', 'expired', 'invalid']).openapi({ description: 'green, red, grey, red' }),
    reasons: z.array(z.string()),
    holder: z.object({ name: z.string().openapi({ description: 'masked, e.g. 张*明' }) }).nullable(),
  })
  .openapi('PassVerification');

export function passRoutes(routes: Routes, app: AppContext): void {
  const tags = ['passes'];
  routes.add({
    method: 'post',
    path: '/api/citizen/pass',
    summary: 'Register for an electronic pass with name and ID number; 409 while the holder is on the watch list, suspected or confirmed',
    tags,
    access: { citizen: true },
    body: PassRegistration,
    status: 201,
    handler: ({ scoped, citizen, body, ctx }) => registerPass(app, scoped, citizen, body.name, body.idNumber, ctx.ip || null),
  });
  routes.add({
    method: 'get',
    path: '/api/citizen/pass',
    summary: 'The own pass with a fresh QR token (valid 5 minutes); 409 once revoked by a status change',
    tags,
    access: { citizen: true },
    response: PassQr,
    handler: ({ scoped, citizen }) => currentPass(app, scoped, citizen),
  });
  routes.add({
    method: 'get',
    path: '/api/passes/keys',
    summary: 'Public keys (JWKS) of a tenant for verifying pass tokens offline',
    tags,
    access: { public: true },
    query: z.strictObject({ tenant }),
    response: Jwks,
    handler: ({ query }) => tenantKeys(app, query.tenant),
  });
  routes.add({
    method: 'post',
    path: '/api/passes/verify',
    summary: 'Check a pass as of now (signature, expiry, revocation, the holder\'s status) without recording anything: what the checkpoint shows before taking the temperature',
    tags,
    access: { permission: 'pass:scan' },
    body: z.strictObject({ token: z.string().trim().min(1).max(4000) }),
    response: PassVerification,
    handler: ({ user, body }) => verifyPass(app, user, body.token),
  });
  routes.add({
    method: 'post',
    path: '/api/passes/scan',
    summary: 'Record a checkpoint scan: verifies the token and the holder\'s current status; a fever registers the holder (new: watch list; released or cured: back to watching, pass revoked; any known: alert) or sends the report for verification',
    tags,
    access: { permission: 'pass:scan' },
    body: PassScan,
    response: ScanResult,
    status: 201,
    idempotent: true,
    handler: ({ scoped, user, body }) => scanPass(app, scoped, user, body),
  });
}
