// The scan every test app runs over its answers: what it finds and what it lets pass.
import { PassThrough, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { makeResidentId } from '../persons/idnumber.ts';
import { clearValues, pendingScans, responseScanner, type Finding } from './response-scan.ts';

const id = makeResidentId('420106', '1980-01-02', 123, 'male');
/** The socket side of a context whose answer goes through ctx.body. */
const res = () => ({ write: () => true, getHeader: () => undefined });

describe('the response scan', () => {
  it('finds clear ID numbers and mobile numbers, not masked ones, hashes, ids or coordinates', () => {
    expect(clearValues(JSON.stringify({ idNumber: id, phone: '13912345678' })).map((v) => v.kind)).toEqual(['id number', 'phone']);
    expect(clearValues(JSON.stringify({
      idNumber: '420***********1234', phone: '139****5678', hash: `ab${id}cd`, lat: 30.13912345678, id: 13912345678901, wrongCheckDigit: `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`,
    }))).toEqual([]);
  });

  it('records them from routes not made to show them, and lets the reveals pass', async () => {
    const findings: Finding[] = [];
    const scan = responseScanner(findings);
    const answer = (method: string, route: string) => ({
      method, path: route, _matchedRoute: route, status: 200, body: { phone: '13912345678' }, response: { type: 'application/json' }, state: {}, res: res(),
    });
    await scan(answer('GET', '/api/persons/:id') as never, async () => undefined);
    await scan(answer('POST', '/api/persons/:id/reveal') as never, async () => undefined);
    expect(findings.map((x) => [x.route, x.kind])).toEqual([['GET /api/persons/:id', 'phone']]);
  });

  it('reads workbooks as they stream out, and the strings of vector tiles; exports pass for holders of person:reveal only', async () => {
    const findings: Finding[] = [];
    const scan = responseScanner(findings);
    const workbook = async () => {
      const out = new PassThrough();
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out });
      wb.addWorksheet('人员').addRow(['张三', id]).commit();
      void wb.commit();
      return out;
    };
    const xlsx = async (route: string, permissions: string[]) => {
      const ctx = { method: 'GET', path: route, _matchedRoute: route, status: 200, body: await workbook() as unknown,
        response: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, state: { user: { permissions } }, res: res() };
      await scan(ctx as never, async () => undefined);
      const received = await buffer(ctx.body as Readable);
      expect(received.subarray(0, 2).toString('latin1')).toBe('PK'); // the client still gets the whole file
      await Promise.all(pendingScans);
    };
    await xlsx('/api/persons/export.xlsx', ['person:read']);
    await xlsx('/api/persons/export.xlsx', ['person:read', 'person:reveal']);
    const tile = { method: 'GET', path: '/api/tiles/persons/1/2/3', _matchedRoute: '/api/tiles/:layer/:z/:x/:y', status: 200,
      body: Buffer.concat([Buffer.from([0x1a, 0x20, 0x0b]), Buffer.from('13912345678')]), response: { type: 'application/vnd.mapbox-vector-tile' }, state: {}, res: res() };
    await scan(tile as never, async () => undefined);
    expect(findings.map((x) => [x.route, x.kind])).toEqual([['GET /api/persons/export.xlsx', 'id number'], ['GET /api/tiles/:layer/:z/:x/:y', 'phone']]);
  });

  it('reads event streams event by event as the route writes them to the socket, an event split across writes included', async () => {
    const findings: Finding[] = [];
    const scan = responseScanner(findings);
    const headers: Record<string, string> = {};
    const written: string[] = [];
    const res = {
      getHeader: (name: string) => headers[name],
      write(chunk: string) { written.push(chunk); return true; },
    };
    const ctx = { method: 'GET', path: '/api/live', _matchedRoute: '/api/live', status: 200, body: undefined, response: { type: '' }, state: {}, res };
    await scan(ctx as never, async () => {
      headers['content-type'] = 'text/event-stream';
      res.write('id: 1\nevent: task\ndata: {"taskId":7,"grid":"第一网格"}\n\n');
      res.write('id: 2\nevent: alert\ndata: {"phone":"139123');
      res.write('45678"}\n\n');
    });
    expect(written.join('')).toContain('"phone":"13912345678"'); // the client still gets every byte
    expect(findings.map((x) => [x.route, x.kind])).toEqual([['GET /api/live', 'phone']]);
  });
});
