// An .xlsx is a zip that exceljs inflates by itself, without a limit. Before a workbook is read, its
// unpacked size is measured by inflating it once without keeping anything, so a zip bomb is
// refused at the limit instead of filling memory.
import { ZipArchive } from '../../../geodata/src/import/zip.ts';
import { BoundaryFileError } from '../../../geodata/src/import/types.ts';

/** Why a workbook's zip is refused, in English and in Chinese (for a 400 naming the file field), or null when it may be read. */
export async function workbookZipRefusal(data: Buffer, maxUnpackedBytes: number): Promise<{ message: string; messageZh: string } | null> {
  try {
    await ZipArchive.open(data, maxUnpackedBytes).measure();
    return null;
  } catch (err) {
    if (!(err instanceof BoundaryFileError)) throw err;
    const mb = Math.round(maxUnpackedBytes / 2 ** 20);
    return err.code === 'zip_bomb'
      ? { message: `the workbook unpacks to more than ${mb} MB; split it into smaller files`, messageZh: `工作簿解压后超过 ${mb} MB，请拆分为较小的文件` }
      : { message: `file is not a readable .xlsx workbook (${err.message})`, messageZh: `文件不是可读取的 Excel 工作簿（.xlsx）：${err.message}` };
  }
}
