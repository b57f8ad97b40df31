// Verifies each tenant's audit hash chain (migration 0032): numbers without gaps from the anchor,
// each row linked to the one before, each hash matching the row, the last one matching the head.
// The first broken link is named: which row, and what is wrong with it.
import type pg from 'pg';
import * as q from './queries.ts';

export interface ChainReport {
  tenantId: number;
  tenantCode: string;
  checked: number;
  ok: boolean;
  /** The chain head (number and hex hash) to keep outside the database. */
  headSeq: number;
  headHash: string;
  /** The first broken link: the row's chain number (and id when the row exists) and why. */
  broken?: { seq: number; id?: number; reason: string };
}

interface HeadRow { tenant_id: number; code: string; seq: string; hash: Buffer; anchor_seq: string; anchor_hash: Buffer }
interface LinkRow { id: string; seq: string; prev_hash: Buffer; hash: Buffer; expected: Buffer }

const PAGE = 5000;

export async function verifyChain(owner: pg.Pool, head: HeadRow): Promise<ChainReport> {
  const report: ChainReport = { tenantId: head.tenant_id, tenantCode: head.code, checked: 0, ok: true, headSeq: Number(head.seq), headHash: head.hash.toString('hex') };
  const fail = (seq: number, reason: string, id?: number) => ({ ...report, ok: false, broken: { seq, ...(id ? { id } : {}), reason } });
  let seq = Number(head.anchor_seq);
  let prev = head.anchor_hash;
  for (;;) {
    const { text, values } = q.links(head.tenant_id, seq, PAGE).toQuery();
    const rows = (await owner.query<LinkRow>(text, values)).rows;
    for (const r of rows) {
      const n = Number(r.seq);
      const id = Number(r.id);
      if (n !== seq + 1) return fail(seq + 1, `row ${seq + 1} is missing (the next kept row is ${n})`);
      if (!r.prev_hash.equals(prev)) return fail(n, 'does not link to the row before it (that row was changed or removed)', id);
      if (!r.hash.equals(r.expected)) return fail(n, 'its content does not match its hash (the row was changed)', id);
      prev = r.hash;
      seq = n;
      report.checked++;
    }
    if (rows.length < PAGE) break;
  }
  if (seq !== Number(head.seq)) return fail(seq + 1, `the chain ends at ${seq} but its head says ${head.seq} (rows at the end were removed)`);
  if (!prev.equals(head.hash)) return fail(seq, 'the last row does not match the chain head');
  return report;
}

/** Every tenant's chain (or one tenant's), owner connection. */
export async function verifyAll(owner: pg.Pool, tenantId?: number): Promise<ChainReport[]> {
  const { text, values } = q.chains(tenantId).toQuery();
  const heads = (await owner.query<HeadRow>(text, values)).rows;
  const out: ChainReport[] = [];
  for (const h of heads) out.push(await verifyChain(owner, h));
  return out;
}
