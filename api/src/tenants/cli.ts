// Tenant command line for the system operator (the person who runs the server):
//   npm run tenant -- create --code CODE --name NAME [--admin USERNAME] [--admin-name NAME]
//   npm run tenant -- reset-password --code CODE --user USERNAME [--totp]
//   npm run tenant -- duty --code CODE --role admin|security_admin|audit_admin --user USERNAME
// create: the tenant, its built-in roles and its first system administrator, whose temporary
// password is printed once. reset-password and duty: the security and audit administrators'
// accounts, which the system administrator may not reset or reassign (三员分立,
// api/src/organisation/duties.ts). Both audited, with no acting user.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { syncPermissions } from '../auth/seed.ts';
import { openConfigured } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { assignDuty, createTenant, resetPassword, TenantError } from './service.ts';

const USAGE = `usage: npm run tenant -- create --code CODE --name NAME [--admin USERNAME] [--admin-name NAME]
       npm run tenant -- reset-password --code CODE --user USERNAME [--totp]
       npm run tenant -- duty --code CODE --role admin|security_admin|audit_admin --user USERNAME

create          a tenant with the built-in roles and its first system administrator
  --code        tenant code: 2–40 lower-case letters, digits, _ or -, starting with a letter
  --name        the city's or district's name, e.g. 武汉市
  --admin       username of its first system administrator (default: admin)
  --admin-name  display name of that administrator (default: 系统管理员)

reset-password  a temporary password for a user of the tenant, printed once; to be changed at the
                next sign-in; the user's sessions end. The only reset of the security and audit
                administrators' accounts (the system administrator may not reset them).
  --user        the username
  --totp        also remove the second factor (a lost phone): set up again at the next sign-in

duty            gives a duty (三员分立) to a user and takes it from every other holder, in one step:
                their direct role is removed and they leave the positions that carry it. Refused
                for a disabled account and for one that would then hold two duties.
  --role        admin (system), security_admin (security) or audit_admin (audit administrator)
  --user        the username

Every reset and duty change is written to the tenant's audit log (by: system operator).`;

type Values = { code?: string; name?: string; admin?: string; 'admin-name'?: string; user?: string; role?: string; totp?: boolean };

const COMMANDS: Record<string, { required: (keyof Values)[]; run: (pool: Parameters<typeof createTenant>[0], v: Values) => Promise<void> }> = {
  create: {
    required: ['code', 'name'],
    async run(pool, v) {
      const admin = v.admin ?? 'admin';
      const created = await createTenant(pool, { code: v.code!, name: v.name!, adminUsername: admin, adminDisplayName: v['admin-name'] ?? '系统管理员' });
      console.log(`tenant ${v.code} (id ${created.tenantId}) created with the built-in roles`);
      console.log(`administrator: ${admin}  temporary password: ${created.temporaryPassword}`);
      console.log('Sign in with the tenant code, change the password, then upload the boundaries (管理后台 › 辖区边界).');
      console.log('Then create the security and audit administrators (组织与权限 › 用户): one account each.');
    },
  },
  'reset-password': {
    required: ['code', 'user'],
    async run(pool, v) {
      const r = await resetPassword(pool, { code: v.code!, username: v.user!, totp: v.totp });
      console.log(`${r.username}  temporary password: ${r.temporaryPassword}`);
      console.log(`To be changed at the next sign-in${v.totp ? '; the second factor is removed and set up again then' : ''}. Sessions ended.`);
      if (!r.active) console.log('Note: the account is disabled.');
    },
  },
  duty: {
    required: ['code', 'role', 'user'],
    async run(pool, v) {
      const r = await assignDuty(pool, { code: v.code!, role: v.role!, username: v.user! });
      console.log(`${r.username} now holds ${r.role}`);
      for (const x of r.removed) console.log(`  removed from ${x.username}${x.via ? ` (left position ${x.via})` : ' (direct role)'}`);
    },
  },
};

async function main(argv: string[]): Promise<number> {
  let values: Values & { help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        code: { type: 'string' }, name: { type: 'string' }, admin: { type: 'string' }, 'admin-name': { type: 'string' },
        user: { type: 'string' }, role: { type: 'string' }, totp: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = COMMANDS[positionals[0] ?? ''];
  const missing = command?.required.filter((k) => !values[k]);
  if (!command || missing!.length) {
    console.error(`error: ${command ? `${positionals[0]} needs ${missing!.map((k) => `--${k}`).join(', ')}` : 'a command is required: create, reset-password or duty'}\n\n${USAGE}`);
    return 2;
  }
  try {
    const config = loadConfig();
    const db = await openConfigured(config);
    try {
      await migrate(db.ownerPool);
      await syncPermissions(db.ownerPool);
      await command.run(db.ownerPool, values);
    } finally {
      await db.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof TenantError || err instanceof ConfigError) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
