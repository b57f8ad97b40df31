// exceljs with one fix: its XML reader decodes every chunk of a zip entry on its own
// (lib/utils/parse-sax.js), so a Chinese character split across two chunks became U+FFFD (火车 →
// 火���) in about one row in 3,000 of a large workbook. Here the chunks of each entry go through
// their own StringDecoder. Import ExcelJS from this module, never from 'exceljs' directly: it
// loads its own copy of exceljs with the fixed reader, whatever loaded exceljs before.
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJSType from 'exceljs';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('exceljs/package.json'));
const fromExceljs = createRequire(join(root, 'package.json'));
const { SaxesParser } = fromExceljs('saxes') as { SaxesParser: new () => any };

type SaxEvent = { eventType: string; value: unknown };

async function* parseSax(iterable: any): AsyncGenerator<SaxEvent[]> {
  if (iterable.pipe && !iterable[Symbol.asyncIterator]) iterable = iterable.pipe(new (fromExceljs('readable-stream').PassThrough)());
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let error: unknown;
  let events: SaxEvent[] = [];
  parser.on('error', (err: unknown) => (error = err));
  parser.on('opentag', (value: unknown) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value: unknown) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value: unknown) => events.push({ eventType: 'closetag', value }));
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.end();
  if (rest) parser.write(rest);
  if (error) throw error;
  if (events.length) yield events;
}

function loadFixed(): typeof ExcelJSType {
  const cache = require.cache;
  const previous = Object.keys(cache).filter((k) => k.startsWith(root + '/'));
  const saved = previous.map((k) => [k, cache[k]] as const);
  for (const k of previous) delete cache[k];
  const path = join(root, 'lib/utils/parse-sax.js');
  const m = new Module(path);
  m.filename = path;
  m.exports = parseSax;
  m.loaded = true;
  cache[path] = m;
  const fixed = require('exceljs') as typeof ExcelJSType;
  // Whoever loaded exceljs before keeps their copy.
  for (const k of Object.keys(cache)) if (k.startsWith(root + '/')) delete cache[k];
  for (const [k, v] of saved) cache[k] = v;
  return fixed;
}

const ExcelJS = loadFixed();
export default ExcelJS;
