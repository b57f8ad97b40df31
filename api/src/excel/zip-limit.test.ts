import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { declareSize, filesOf, zipOf } from '../../../geodata/src/import/test-support.ts';
import { workbookZipRefusal } from './zip-limit.ts';

const workbookZipProblem = async (data: Buffer, max: number) => (await workbookZipRefusal(data, max))?.message ?? null;

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('人员');
  sheet.addRow(['姓名', '证件号码']);
  for (let i = 0; i < 50; i++) sheet.addRow([`张${i}`, `42010119900101${String(i).padStart(4, '0')}`]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const LIMIT = 200_000;

describe('a workbook zip before exceljs reads it', () => {
  it('is read when it unpacks within the limit', async () => {
    expect(await workbookZipProblem(await workbook(), LIMIT)).toBeNull();
  });

  it('is refused when it unpacks past the limit, whether its headers say so or lie', async () => {
    const files = await filesOf(await workbook());
    const honest = await zipOf({ ...files, 'xl/media/padding.bin': Buffer.alloc(1_000_000) });
    expect(honest.length).toBeLessThan(20_000);
    expect(await workbookZipProblem(honest, LIMIT)).toMatch(/unpacks to more than 0 MB; split it/);
    const lying = declareSize(honest, 'xl/media/padding.bin', 10);
    expect(await workbookZipProblem(lying, LIMIT)).toMatch(/unpacks to more than/);
    expect(await workbookZipProblem(lying, 10_000_000)).toMatch(/not a readable .xlsx workbook/); // a wrong size is damage
  });

  it('is refused, not thrown, when it is no zip or a damaged one', async () => {
    expect(await workbookZipProblem(Buffer.from('PK\x03\x04 but nothing more'), LIMIT)).toMatch(/not a readable .xlsx workbook/);
    const damaged = await workbook();
    damaged.fill(0xff, 100, 600);
    expect(await workbookZipProblem(damaged, LIMIT)).toMatch(/not a readable .xlsx workbook/);
  });
});
