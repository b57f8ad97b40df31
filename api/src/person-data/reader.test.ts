// The streaming reader on a large workbook: Chinese text split across the chunks of a zip entry
// is read whole (exceljs decoded each chunk on its own: 火车 became 火���), and cells read
// as the template's columns.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSheet } from './reader.ts';
import { cleanText, readCode, readDate, readIdNumber } from './normalise.ts';
import { COLUMNS } from './columns.ts';

describe('reading a large workbook', () => {
  it('keeps every multi-byte character whole, with shared strings and inline strings', async () => {
    for (const useSharedStrings of [true, false]) {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('人员信息');
      ws.addRow(['姓名', '来市交通方式', '现住址']);
      for (let i = 0; i < 6000; i++) ws.addRow([`导入${i}`, '火车', `基准市某路${i}号`]);
      const data = Buffer.from(await (useSharedStrings ? wb.xlsx.writeBuffer() : wb.xlsx.writeBuffer({ useSharedStrings: false } as never)));
      let rows = 0;
      for await (const row of readSheet(data, () => {})) {
        rows++;
        expect(row.cells.get('arrivalTransport')).toBe('火车');
        expect(String(row.cells.get('address'))).not.toContain('\uFFFD');
      }
      expect(rows).toBe(6000);
    }
  });
});

describe('reading cells', () => {
  it('reads every date spelling as the same day and refuses impossible ones', () => {
    for (const v of [43864, '43864', '2020/2/3', '2020-02-03', '2020.2.3', '2020年2月3日', '２０２０年２月３日', '20200203', new Date(Date.UTC(2020, 1, 3))]) {
      expect(readDate(v)).toEqual({ ok: true, value: '2020-02-03' });
    }
    expect(readDate('2020-02-30').ok).toBe(false);
    expect(readDate('next week').ok).toBe(false);
  });

  it('reads a status in the words the apps show and the words spreadsheets use, and names the choices otherwise', () => {
    const status = COLUMNS.find((c) => c.key === 'status')!;
    for (const v of ['医学观察', '隔离观察', '居家观察', ' 居家 隔离观察 ', 'watching']) expect(readCode(v, status.options!, status.aliases)).toEqual({ ok: true, value: 'watching' });
    expect(readCode('确诊', status.options!, status.aliases)).toEqual({ ok: true, value: 'confirmed' });
    expect(readCode('痊愈', status.options!, status.aliases)).toEqual({ ok: false, message: '“痊愈”不是可选值（医学观察、疑似、确诊）' });
  });

  it('removes controls no one sees from text: NUL, C1, direction overrides and isolates', () => {
    expect(cleanText('\u202E张\u0000三\u0085 \u2066路\u2069\n1号')).toBe('张三 路 1号');
  });

  it('refuses an 18-digit ID number stored as a number, never guessing its last digits', () => {
    const r = readIdNumber(420106198506150011, 'resident_id');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('只保留 15 位有效数字') });
    expect(readIdNumber('4.20106E+17', 'resident_id').ok).toBe(false);
  });
});
