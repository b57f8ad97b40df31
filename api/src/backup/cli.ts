// Backup and restore for the operator:
//   npm run backup -- --out FILE
//       the server database (DATABASE_OWNER_URL) with pg_dump, or, without DATABASE_URL, the
//       embedded data folder (stop the application first)
//   npm run restore -- --from FILE --into OWNER_URL     an empty database that has the extensions
//   npm run restore -- --from FILE --data-dir DIR       a new folder for the embedded database
// A restore ends with a check: rows per table and every tenant's audit chain.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { embeddedDirFor, openDatabase } from '../db/database.ts';
import { BackupError, check, dumpEmbedded, dumpServer, restoreEmbedded, restoreServer } from './backup.ts';

const USAGE = `usage: npm run backup -- --out FILE
       npm run restore -- --from FILE (--into OWNER_URL | --data-dir DIR)`;

async function report(owner: pg.Pool): Promise<number> {
  const r = await check(owner);
  const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
  console.log(`${Object.keys(r.counts).length} tables, ${total} rows: ${Object.entries(r.counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  const broken = r.chains.filter((c) => !c.ok);
  for (const c of broken) console.log(`BROKEN audit chain of ${c.tenantCode} at row ${c.broken!.seq}: ${c.broken!.reason}`);
  console.log(`audit chains: ${r.chains.length - broken.length} of ${r.chains.length} hold`);
  return broken.length ? 1 : 0;
}

async function main(command: string | undefined, argv: string[]): Promise<number> {
  let values: { out?: string; from?: string; into?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { out: { type: 'string' }, from: { type: 'string' }, into: { type: 'string' }, 'data-dir': { type: 'string' } } }));
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  if (command === 'backup') {
    if (!values.out) return (console.error(USAGE), 2);
    if (config.databaseUrl) await dumpServer(config.databaseOwnerUrl ?? config.databaseUrl, values.out);
    else await dumpEmbedded(embeddedDirFor(config.dataDir), values.out);
    console.log(`backup written to ${values.out}`);
    return 0;
  }
  if (command === 'restore') {
    if (!values.from || (!values.into === !values['data-dir'])) return (console.error(USAGE), 2);
    if (values.into) {
      const owner = new pg.Pool({ connectionString: values.into, max: 2 });
      try {
        await restoreServer(values.from, values.into, owner);
        return await report(owner);
      } finally {
        await owner.end();
      }
    }
    await restoreEmbedded(values.from, values['data-dir']!);
    const db = await openDatabase({ embeddedDir: values['data-dir'], poolSize: 2 });
    try {
      return await report(db.ownerPool);
    } finally {
      await db.close();
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv[2], process.argv.slice(3)).then((code) => process.exit(code), (err) => {
  console.error(err instanceof BackupError ? `error: ${err.message}` : err);
  process.exit(1);
});
