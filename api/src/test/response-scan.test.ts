// The scan every test app runs over its answers: what it finds and what it lets pass.
import { describe, expect, it } from 'vitest';
import { makeResidentId } from '../persons/idnumber.ts';
import { clearValues, responseScanner, type Finding } from './response-scan.ts';

const id = makeResidentId('420106', '1980-01-02', 123, 'male');

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
    const answer = (method: string, route: string) => ({ method, path: route, _matchedRoute: route, status: 200, body: { phone: '13912345678' } });
    await scan(answer('GET', '/api/persons/:id') as never, async () => undefined);
    await scan(answer('POST', '/api/persons/:id/reveal') as never, async () => undefined);
    expect(findings.map((x) => [x.route, x.kind])).toEqual([['GET /api/persons/:id', 'phone']]);
  });
});
