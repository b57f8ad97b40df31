// Which address a request comes from. Forwarded headers are believed only from proxies the
// operator names (TRUST_PROXY: how many proxies stand in front of the API, or their addresses and
// CIDR ranges); by default none is, and the socket's peer is the client. A forged X-Forwarded-For
// can then neither dodge per-address limits nor put another address into the audit log.
import net from 'node:net';
import type Koa from 'koa';
import { AppError } from './errors.ts';
import { requestAddress } from '../audit/audit.ts';

export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; list: net.BlockList; text: string };

/** TRUST_PROXY: empty or "false" (none), a number of hops (1-10), or comma-separated addresses/CIDRs. Throws a message naming the bad part. */
export function parseTrustProxy(value: string): ProxyTrust {
  const v = value.trim();
  if (v === '' || v === 'false') return { kind: 'none' };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops < 1 || hops > 10) throw new Error('a number of proxy hops must be 1 to 10');
    return { kind: 'hops', hops };
  }
  const list = new net.BlockList();
  for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [address, prefix] = part.split('/');
    const type = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
    if (!type) throw new Error(`"${part}" is not an IP address or CIDR range`);
    if (prefix === undefined) list.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (type === 'ipv4' ? 32 : 128)) throw new Error(`"${part}" has a bad prefix length`);
      list.addSubnet(address, bits, type);
    }
  }
  return { kind: 'addresses', list, text: v };
}

/** An IPv4 peer on a dual-stack socket is written ::ffff:a.b.c.d. */
const plain = (address: string) => (address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address);

function isTrusted(trust: ProxyTrust, address: string): boolean {
  if (trust.kind !== 'addresses') return trust.kind === 'hops';
  const a = plain(address);
  const type = net.isIPv4(a) ? 'ipv4' : net.isIPv6(a) ? 'ipv6' : null;
  return type !== null && trust.list.check(a, type);
}

/** The client's address from the peer and the X-Forwarded-For chain, believing only trusted hops. */
export function clientIp(peer: string, forwardedFor: string | undefined, trust: ProxyTrust): string {
  const me = plain(peer);
  if (trust.kind === 'none' || !forwardedFor) return me;
  const chain = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean);
  if (trust.kind === 'hops') {
    // the peer is the last of `hops` proxies; the client is the address the first of them saw
    const all = [...chain, me];
    const at = all.length - 1 - trust.hops;
    const ip = plain(all[Math.max(0, at)]);
    return net.isIP(ip) ? ip : plain(all[Math.max(0, at) + 1] ?? me);
  }
  let address = me;
  for (let i = chain.length - 1; i >= 0 && isTrusted(trust, address); i--) {
    const next = plain(chain[i]);
    if (!net.isIP(next)) break; // a trusted proxy passed on garbage: the proxy is what we know
    address = next;
  }
  return address;
}

const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'];

/**
 * Sets ctx.ip to the client's address; forwarded headers from a peer that is not a trusted proxy
 * are removed before anything reads them (Koa's own proxy mode believes them from anyone).
 */
export function clientAddress(trust: ProxyTrust): Koa.Middleware {
  return async (ctx, next) => {
    const peer = ctx.req.socket.remoteAddress ?? '';
    if (!isTrusted(trust, peer)) for (const h of FORWARDED) delete ctx.req.headers[h];
    ctx.request.ip = clientIp(peer, ctx.get('x-forwarded-for') || undefined, trust);
    await requestAddress.run(ctx.request.ip || null, next);
  };
}

/**
 * Session cookies are marked Secure in production, and Koa refuses to set one on a plain-HTTP
 * request: a sign-in there is refused up front, before a password attempt or SMS code is spent.
 */
export function requireHttps(env: string, ctx: Koa.Context): void {
  if (env === 'production' && !ctx.secure) {
    throw new AppError(400, 'https_required', 'sign-in needs HTTPS; behind a TLS proxy, set TRUST_PROXY so its X-Forwarded-Proto is believed');
  }
}
