// Small measuring helpers of the bench/ scripts: percentiles, a seeded PRNG, tile maths and the
// marked sections of docs/benchmarks.md that each script owns.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export const median = (xs: number[]) => percentile(xs, 50);
export const p95 = (xs: number[]) => percentile(xs, 95);

/** mulberry32: a deterministic PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The XYZ tile containing a WGS-84 point at zoom z. */
export function tileOf(lon: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [z, x, y];
}

const DOC = resolve(import.meta.dirname, '../../docs/benchmarks.md');

/**
 * Replaces the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in
 * docs/benchmarks.md (appending it when absent), leaving the rest of the file as it is.
 */
export async function writeSection(name: string, body: string): Promise<void> {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const text = await readFile(DOC, 'utf8');
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  const next = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(DOC, next);
  console.error(`[bench] wrote section ${name} of docs/benchmarks.md`);
}

/**
 * CPU time (ms) used so far by the PostgreSQL processes of this machine, ended children included
 * (the postmaster's reaped backends): for a cluster on the same host, where the bench's work shares
 * the cores. Undefined where /proc cannot tell (another host, another OS).
 */
export async function postgresCpuMs(): Promise<number | undefined> {
  const TICK_MS = 10; // USER_HZ is 100 on Linux
  let total = 0;
  let seen = false;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // pid (comm) state … : utime, stime, cutime, cstime are fields 14-17
    const m = /^\d+ \((postgres)\) (.*)$/.exec(stat.trim());
    if (!m) continue;
    const f = m[2].split(' ');
    total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
    seen = true;
  }
  return seen ? total : undefined;
}
