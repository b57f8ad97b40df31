// An .xlsx is a zip that exceljs inflates by itself, without a limit. Before a workbook is read, its
// unpacked size is measured by inflating it once without keeping anything, so a zip bomb is
// refused at the limit instead of filling memory.
import { ZipArchive } from '../../../geodata/src/import/zip.ts';
import { BoundaryFileError } from '../../../geodata/src/import/types.ts';

/** The reason a workbook's zip is refused (for a 400 naming the file field), or null when it may be read. */
export async function workbookZipProblem(data: Buffer, maxUnpackedBytes: number): Promise<string | null> {
  try {
    await ZipArchive.open(data, maxUnpackedBytes).measure();
    return null;
  } catch (err) {
    if (!(err instanceof BoundaryFileError)) throw err;
    return err.code === 'zip_bomb'
      ? `the workbook unpacks to more than ${Math.round(maxUnpackedBytes / 2 ** 20)} MB; split it into smaller files`
      : `file is not a readable .xlsx workbook (${err.message})`;
  }
}
