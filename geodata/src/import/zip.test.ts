import { describe, expect, it } from 'vitest';
import { parseBoundaryFile } from './index.ts';
import { declareSize, filesOf, fixture, refusal, zipOf } from './test-support.ts';

const opts = { crs: 'wgs84' as const };
const limits = { maxUnpackedBytes: 100_000 };

describe('zip safety', () => {
  it('refuses content that is not a zip, whatever its name', async () => {
    const error = await refusal(parseBoundaryFile(Buffer.from('Rar!\x1a\x07\x00 not a zip at all'), 'boundaries.zip', opts));
    expect([error.code, error.field]).toEqual(['unknown_format', 'file']);
  });

  it('refuses a damaged zip', async () => {
    const zip = fixture('wuhan-gk4547-gbk.zip');
    const error = await refusal(parseBoundaryFile(zip.subarray(0, zip.length - 30), 'wuhan.zip', opts));
    expect([error.code, error.field]).toEqual(['invalid_zip', 'file']);
  });

  it('refuses a zip whose headers declare more than the limit, before inflating anything', async () => {
    const files = await filesOf(fixture('wuhan-gk4547-gbk.zip'));
    const bomb = await zipOf({ ...files, 'padding.bin': Buffer.alloc(1_000_000) });
    expect(bomb.length).toBeLessThan(5_000);
    const error = await refusal(parseBoundaryFile(bomb, 'wuhan.zip', { ...opts, limits }));
    expect([error.code, error.field]).toEqual(['zip_bomb', 'file']);
    // Its data destroyed: inflating first would have found the damage instead of the size.
    const damaged = Buffer.from(bomb);
    damaged.fill(0xff, 200, 900);
    expect((await refusal(parseBoundaryFile(damaged, 'wuhan.zip', { ...opts, limits }))).code).toBe('zip_bomb');
    await expect(parseBoundaryFile(bomb, 'wuhan.zip', opts)).resolves.toMatchObject({ format: 'shapefile' });
  });

  it('stops inflating at the limit when the headers lie about the size', async () => {
    const files = await filesOf(fixture('wuhan-gk4547-gbk.zip'));
    const honest = await zipOf({ ...files, 'wuhan_gk.shp': Buffer.concat([files['wuhan_gk.shp'], Buffer.alloc(1_000_000)]) });
    const lying = declareSize(honest, 'wuhan_gk.shp', 356);
    const error = await refusal(parseBoundaryFile(lying, 'wuhan.zip', { ...opts, limits }));
    expect([error.code, error.field]).toEqual(['zip_bomb', 'file']);
    expect(error.message).toContain('headers said less');
  });

  it('refuses an entry that unpacks to another size than declared', async () => {
    const zip = declareSize(fixture('wuhan-gk4547-gbk.zip'), 'wuhan_gk.dbf', 100);
    const error = await refusal(parseBoundaryFile(zip, 'wuhan.zip', opts));
    expect([error.code, error.field]).toEqual(['invalid_zip', 'file']);
  });
});
