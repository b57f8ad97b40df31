// npm run audit:verify [-- --tenant CODE]: checks every tenant's audit hash chain and names the
// first broken link. Exit code 0 when every chain holds, 1 when one is broken, 2 on bad usage.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openConfigured } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { verifyAll } from './verify.ts';

async function main(argv: string[]): Promise<number> {
  let tenant: string | undefined;
  try {
    tenant = parseArgs({ args: argv, strict: true, options: { tenant: { type: 'string' } } }).values.tenant;
  } catch (err) {
    console.error(`error: ${(err as Error).message}\nusage: npm run audit:verify [-- --tenant CODE]`);
    return 2;
  }
  const config = loadConfig();
  const db = await openConfigured(config);
  try {
    await migrate(db.ownerPool);
    let tenantId: number | undefined;
    if (tenant) {
      const r = await db.ownerPool.query<{ id: number }>('select id from tenants where code = $1', [tenant]);
      if (!r.rows[0]) {
        console.error(`error: no tenant ${tenant}`);
        return 2;
      }
      tenantId = r.rows[0].id;
    }
    const reports = await verifyAll(db.ownerPool, tenantId);
    let broken = 0;
    for (const r of reports) {
      // The head's hash, kept outside the database (a ticket, a log), shows a later rewrite of the tail.
      if (r.ok) console.log(`ok      ${r.tenantCode}: ${r.checked} rows linked, head ${r.headSeq} ${r.headHash}`);
      else {
        broken++;
        console.log(`BROKEN  ${r.tenantCode}: at row ${r.broken!.seq}${r.broken!.id ? ` (audit id ${r.broken!.id})` : ''}: ${r.broken!.reason}; ${r.checked} rows before it hold`);
      }
    }
    if (!reports.length) console.log('no audit records yet');
    return broken ? 1 : 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
