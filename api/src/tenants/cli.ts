// Tenant command line for the system operator:
//   npm run tenant -- create --code CODE --name NAME [--admin USERNAME] [--admin-name NAME]
// Creates the tenant, its built-in roles and its first system administrator, and prints the
// administrator's temporary password once (it must be changed at the first sign-in).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { syncPermissions } from '../auth/seed.ts';
import { openConfigured } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createTenant, TenantError } from './service.ts';

const USAGE = `usage: npm run tenant -- create --code CODE --name NAME [--admin USERNAME] [--admin-name NAME]

  --code        tenant code: 2–40 lower-case letters, digits, _ or -, starting with a letter
  --name        the city's or district's name, e.g. 武汉市
  --admin       username of its first system administrator (default: admin)
  --admin-name  display name of that administrator (default: 系统管理员)`;

async function main(argv: string[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { code: { type: 'string' }, name: { type: 'string' }, admin: { type: 'string' }, 'admin-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'create' || !values.code || !values.name) {
    console.error(`error: create, --code and --name are required\n\n${USAGE}`);
    return 2;
  }
  try {
    const config = loadConfig();
    const db = await openConfigured(config);
    try {
      await migrate(db.ownerPool);
      await syncPermissions(db.ownerPool);
      const admin = values.admin ?? 'admin';
      const created = await createTenant(db.ownerPool, { code: values.code, name: values.name, adminUsername: admin, adminDisplayName: values['admin-name'] ?? '系统管理员' });
      console.log(`tenant ${values.code} (id ${created.tenantId}) created with the built-in roles`);
      console.log(`administrator: ${admin}  temporary password: ${created.temporaryPassword}`);
      console.log('Sign in with the tenant code, change the password, then upload the boundaries (管理后台 › 辖区边界).');
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
