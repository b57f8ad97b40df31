// Attribute tables of Shapefiles (dBASE III). Read here rather than by parsedbf because parsedbf
// turns long numeric codes into doubles (18-digit grid codes lose digits) and cannot decode a .cpg
// of "936" (the usual way ArcGIS writes GBK).
import { BoundaryFileError } from './types.ts';

interface DbfField {
  name: string;
  type: string;
  length: number;
}

/**
 * The records in file order, null for a deleted one: records pair with shapes by position, so the
 * caller drops the shape too (as GDAL and ArcGIS hide deleted records).
 */
export function readDbf(data: Buffer, encoding: string): (Record<string, unknown> | null)[] {
  if (data.length < 32) throw new BoundaryFileError('invalid_shapefile', 'the .dbf is too short to be a dBASE table');
  const decoder = new TextDecoder(encoding);
  const recordCount = data.readUInt32LE(4);
  const headerLength = data.readUInt16LE(8);
  const recordLength = data.readUInt16LE(10);
  const fields = readFields(data, headerLength, decoder);
  const records: (Record<string, unknown> | null)[] = [];
  for (let i = 0, at = headerLength; i < recordCount && at + recordLength <= data.length; i++, at += recordLength) {
    const record: Record<string, unknown> = {};
    let offset = at + 1; // after the deletion flag
    for (const field of fields) {
      record[field.name] = fieldValue(field, data.subarray(offset, offset + field.length), decoder);
      offset += field.length;
    }
    records.push(data[at] === 0x2a ? null : record); // '*' marks a deleted record
  }
  return records;
}

function readFields(data: Buffer, headerLength: number, decoder: TextDecoder): DbfField[] {
  const fields: DbfField[] = [];
  for (let at = 32; at + 32 <= Math.min(headerLength, data.length) && data[at] !== 0x0d; at += 32) {
    const rawName = data.subarray(at, at + 11);
    const nul = rawName.indexOf(0);
    fields.push({
      name: decoder.decode(nul < 0 ? rawName : rawName.subarray(0, nul)).trim(),
      type: String.fromCharCode(data[at + 11]),
      length: data[at + 16],
    });
  }
  return fields;
}

function fieldValue(field: DbfField, bytes: Buffer, decoder: TextDecoder): unknown {
  const text = decoder.decode(bytes).replace(/\0/g, '').trim();
  switch (field.type) {
    case 'N':
    case 'F':
      return numberValue(text);
    case 'L':
      return /^[YyTt]$/.test(text) ? true : /^[NnFf]$/.test(text) ? false : null;
    case 'D':
      return /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}` : null;
    default:
      return text;
  }
}

/** A number, except where a double would lose digits (long codes): then its text without ".000". */
function numberValue(text: string): number | string | null {
  if (!text || /^\*+$/.test(text)) return null; // blank or overflow stars
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  const digits = text.replace(/^[-+]/, '').replace(/\.0*$/, '').replace('.', '').replace(/^0+/, '');
  return digits.length > 15 ? text.replace(/\.0*$/, '') : value;
}

/**
 * The text encoding of the table: from the .cpg when there is one, else the language driver byte,
 * else UTF-8 if the bytes are valid UTF-8 and GBK if not (what Chinese shapefiles without .cpg are).
 */
export function dbfEncoding(cpg: string | null, dbf: Buffer): string {
  const fromCpg = cpg === null ? null : encodingOfCodePage(cpg);
  if (fromCpg) return fromCpg;
  const driver = dbf.length > 29 ? LANGUAGE_DRIVERS[dbf[29]] : undefined;
  if (driver) return driver;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf);
    return 'utf-8';
  } catch {
    return 'gbk';
  }
}

/** dBASE language driver ids that name an East Asian code page. */
const LANGUAGE_DRIVERS: Record<number, string> = { 0x4d: 'gbk', 0x7a: 'gbk', 0x4f: 'big5', 0x78: 'big5' };

const CODE_PAGES: Record<string, string> = {
  '936': 'gbk', cp936: 'gbk', ms936: 'gbk', 'windows-936': 'gbk', gbk: 'gbk', gb2312: 'gbk',
  '54936': 'gb18030', gb18030: 'gb18030',
  '950': 'big5', big5: 'big5',
  '65001': 'utf-8', utf8: 'utf-8', 'utf-8': 'utf-8',
};

function encodingOfCodePage(cpg: string): string | null {
  const label = cpg.trim().toLowerCase().replace(/^ansi\s*/, '');
  const known = CODE_PAGES[label] ?? (/^\d+$/.test(label) ? `windows-${label}` : label);
  try {
    new TextDecoder(known);
    return known;
  } catch {
    return null; // an unknown label: fall back as if there were no .cpg
  }
}
