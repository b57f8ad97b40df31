// A demo city (the generator's "demo" size: 48 grids, households and persons in every status) plus
// the demo accounts, in a tenant of its own in the test database. Reuses generateCity and
// seedDemoAccounts; the only addition is a COPY stand-in for the embedded test database, whose
// socket (pglite-socket) does not speak the COPY sub-protocol.
import type pg from 'pg';
import { seedDemoAccounts, type DemoAccount } from '../../../api/src/auth/seed.ts';
import { seedDemoArticles } from '../../../api/src/content/seed.ts';
import type { PiiCipher } from '../../../api/src/crypto/pii.ts';
import type { Database } from '../../../api/src/db/database.ts';
import { generateCity } from '../../../geodata/src/generate/index.ts';

export interface DemoCity {
  tenantId: number;
  code: string;
  /** Username prefix of the demo accounts: `${prefix}commander`, `${prefix}gridworker`, … */
  prefix: string;
  accounts: DemoAccount[];
  remove(): Promise<void>;
}

let counter = 0;

export async function createDemoCity(db: Database, cipher: PiiCipher): Promise<DemoCity> {
  const code = `e2e${process.pid}${Date.now().toString(36)}${counter++}`.toLowerCase().slice(0, 39);
  const prefix = `${code}_`;
  // Server mode: the real COPY. Embedded (reached over its socket): the same lines, inserted.
  const seedDb: Database = db.mode === 'server' ? db : { ...db, copyText: (t, c, lines) => insertCopyLines(db.ownerPool, t, c, lines) };
  const { tenantId } = await generateCity(seedDb, { tenantCode: code, tenantName: '示范市', size: 'demo', cipher });
  const accounts = await seedDemoAccounts(db.ownerPool, tenantId, prefix);
  await seedDemoArticles(db.ownerPool, tenantId);
  return {
    tenantId,
    code,
    prefix,
    accounts,
    async remove() {
      await db.ownerPool.query('delete from tenants where id = $1', [tenantId]);
    },
  };
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const UNESCAPE: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

/** Decodes one COPY text-format cell: \N is null, backslash escapes as COPY defines them. */
function decodeCell(cell: string): string | null {
  if (cell === '\\N') return null;
  return cell.includes('\\') ? cell.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c) : cell;
}

/**
 * Inserts COPY text-format lines with INSERT … SELECT from a JSON array of text cells, each cast
 * with the column's declared type (the same input functions COPY uses).
 */
async function insertCopyLines(pool: pg.Pool, table: string, columns: string[], lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const { rows } = await pool.query<{ name: string; type: string }>(
    `select attname as name, format_type(atttypid, atttypmod) as type
       from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped`,
    [table],
  );
  const types = new Map(rows.map((r) => [r.name, r.type]));
  const exprs = columns.map((c, i) => {
    const type = types.get(c);
    if (!type) throw new Error(`${table} has no column ${c}`);
    return `(e->>${i})::${type}`;
  });
  const statement = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) select ${exprs.join(', ')} from json_array_elements($1::json) e`;
  let batch: (string | null)[][] = [];
  const flush = async () => {
    if (batch.length) await pool.query(statement, [JSON.stringify(batch)]);
    batch = [];
  };
  for await (const block of lines as AsyncIterable<string>) {
    for (const line of block.split('\n')) if (line) batch.push(line.split('\t').map(decodeCell));
    if (batch.length >= 1000) await flush();
  }
  await flush();
}
