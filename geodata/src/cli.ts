// geodata command line: npm run geodata -- generate --size demo|city-L [--tenant CODE] [--name NAME] [--seed N]
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../api/src/config.ts';
import { PiiCipher } from '../../api/src/crypto/pii.ts';
import { openDatabase } from '../../api/src/db/database.ts';
import { migrate } from '../../api/src/db/migrate.ts';
import { parseCommand, UsageError, USAGE, type GenerateCommand } from './cli-args.ts';
import { GenerateError, generateCity } from './generate/index.ts';

async function runGenerate(cmd: GenerateCommand): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    databaseOwnerUrl: config.databaseOwnerUrl,
    embeddedDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
    poolSize: 4,
  });
  try {
    const where = db.mode === 'server' ? config.databaseOwnerUrl?.replace(/:[^:@/]*@/, ':***@') : join(config.dataDir, 'pglite');
    console.error(`database: ${db.mode} ${where}`);
    const t0 = performance.now();
    const migrated = await migrate(db.ownerPool);
    console.error(`migrations: ${migrated.applied.length} applied (${Math.round(performance.now() - t0)} ms)`);
    const cipher = new PiiCipher({ fieldKey: config.secrets.fieldKey, lookupKey: config.secrets.lookupKey });
    const result = await generateCity(db, { ...cmd, cipher, log: (msg) => console.error(`  ${msg}`) });
    console.log(`tenant ${cmd.tenantCode} (id ${result.tenantId}), size ${cmd.size}`);
    console.log(`${'step'.padEnd(22)}${'rows'.padStart(12)}${'seconds'.padStart(10)}${'rows/s'.padStart(10)}`);
    for (const [step, ms] of Object.entries(result.tableMs)) {
      const rows = result.counts[step];
      const rate = rows && ms > 0 ? Math.round((rows / ms) * 1000) : '';
      console.log(`${step.padEnd(22)}${String(rows ?? '').padStart(12)}${(ms / 1000).toFixed(2).padStart(10)}${String(rate).padStart(10)}`);
    }
    console.log(`${'total'.padEnd(22)}${''.padStart(12)}${(result.ms / 1000).toFixed(2).padStart(10)}`);
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseCommand(argv);
    if (cmd.command === 'help') {
      console.log(USAGE);
      return 0;
    }
    await runGenerate(cmd);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof GenerateError) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
