import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpSmsProvider } from './sms.ts';

describe('HTTP SMS provider', () => {
  it('posts phone and text as JSON with the bearer token, and fails loudly on a gateway error', async () => {
    const received: { auth?: string; body: string }[] = [];
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body });
        res.statusCode = status;
        res.end();
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
    try {
      const sms = new HttpSmsProvider(url, 'secret-token');
      await sms.send('13800138000', '验证码 123456');
      expect(received).toEqual([{ auth: 'Bearer secret-token', body: JSON.stringify({ phone: '13800138000', text: '验证码 123456' }) }]);
      status = 503;
      await expect(sms.send('13800138000', 'x')).rejects.toThrow(/503/);
    } finally {
      server.close();
    }
  });
});
