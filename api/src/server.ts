// Starts the API: configuration, database (embedded unless DATABASE_URL), demo city, HTTP.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startJobs } from './jobs/service.ts';
import { failInterruptedImports } from './person-data/imports.ts';
import { readDemoAccountsHint, startRuntime } from './runtime.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = await startRuntime(config);
  const { app } = runtime;
  // Person imports run in this process: one still marked running was cut off by a restart.
  const interrupted = await failInterruptedImports(app.db.ownerPool);
  if (interrupted) app.log.warn({ interrupted }, 'person imports interrupted by the restart marked failed');
  const server: Server = buildApp(app).listen(config.port, config.host);
  const jobs = startJobs(app);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const accountsFile = readDemoAccountsHint(config.dataDir);
  console.log(`\n网格化社区疫情防控系统 — listening on ${url}`);
  console.log(`  database: ${app.db.mode}${app.db.mode === 'embedded' ? ` (${config.dataDir}/pglite)` : ''}`);
  console.log(`  API docs: ${url}/api/docs   health: ${url}/api/health`);
  if (accountsFile && app.db.mode === 'embedded') {
    const accounts = JSON.parse(readFileSync(accountsFile, 'utf8')) as { username: string; password: string; role: string; jurisdiction: string }[];
    console.log(`  demo accounts (${accountsFile}):`);
    for (const a of accounts) console.log(`    ${a.username.padEnd(12)} ${a.password}  ${a.role.padEnd(16)} ${a.jurisdiction}`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await jobs.stop();
    server.close();
    server.closeAllConnections();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
