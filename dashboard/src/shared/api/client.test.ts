// The API client's step-up: a request refused with 403 step_up_required asks the app's dialog,
// then is sent once more; cancelled, it fails with its own error. fetch is replaced by a script.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, attachmentName, onStepUpRequired, request, retryAfterSeconds } from './client';

const stepUpRequired = () => new Response(JSON.stringify({ error: { code: 'step_up_required', message: '请先确认身份' } }), { status: 403, headers: { 'content-type': 'application/json' } });
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** fetch answering from a list, recording what was asked. */
function script(...answers: (() => Response)[]) {
  const calls: { path: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    calls.push({ path, init });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${path}`);
    return next();
  });
  return calls;
}

afterEach(() => {
  onStepUpRequired(undefined);
  vi.unstubAllGlobals();
});

describe('step-up in the API client', () => {
  it('asks the dialog and sends the refused request again, once', async () => {
    const calls = script(stepUpRequired, () => ok({ id: 7 }));
    const prompt = vi.fn(async () => true);
    onStepUpRequired(prompt);
    expect(await api.post('/api/roles', { code: 'x' })).toEqual({ id: 7 });
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => [c.init.method, c.path, c.init.body])).toEqual([
      ['POST', '/api/roles', '{"code":"x"}'],
      ['POST', '/api/roles', '{"code":"x"}'],
    ]);
  });

  it('fails with the original error when the user cancels', async () => {
    const calls = script(stepUpRequired);
    onStepUpRequired(async () => false);
    const err = await api.get('/api/persons/export.xlsx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'step_up_required', message: '请先确认身份' });
    expect(calls).toHaveLength(1);
  });

  it('does not ask twice for one request: a second refusal is the answer', async () => {
    script(stepUpRequired, stepUpRequired);
    const prompt = vi.fn(async () => true);
    onStepUpRequired(prompt);
    await expect(api.patch('/api/roles/3', { permissions: [] })).rejects.toMatchObject({ code: 'step_up_required' });
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it('shows one dialog for requests refused together', async () => {
    script(stepUpRequired, stepUpRequired, () => ok(1), () => ok(2));
    let release!: (done: boolean) => void;
    const prompt = vi.fn(() => new Promise<boolean>((r) => (release = r)));
    onStepUpRequired(prompt);
    const both = Promise.all([api.get('/a'), api.get('/b')]);
    await vi.waitFor(() => expect(prompt).toHaveBeenCalled());
    release(true);
    expect((await both).sort()).toEqual([1, 2]);
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it('without a dialog registered, the refusal is the answer', async () => {
    script(stepUpRequired);
    await expect(api.get('/api/reports/export.xlsx')).rejects.toMatchObject({ status: 403, code: 'step_up_required' });
  });

  it('sends FormData as it is (the multipart upload sets its own content type), again after a step-up', async () => {
    const calls = script(stepUpRequired, () => ok({ rows: 1 }));
    onStepUpRequired(async () => true);
    const form = new FormData();
    form.append('mode', 'valid_rows');
    expect((await request('POST', '/api/users/imports', form)).body).toEqual({ rows: 1 });
    for (const c of calls) {
      expect(c.init.body).toBe(form);
      expect((c.init.headers as Record<string, string>)['content-type']).toBeUndefined();
    }
  });
});

describe('attachmentName', () => {
  it('prefers the UTF-8 name, then the plain one', () => {
    expect(attachmentName(`attachment; filename="persons.xlsx"; filename*=UTF-8''${encodeURIComponent('人员导出.xlsx')}`)).toBe('人员导出.xlsx');
    expect(attachmentName('attachment; filename="boundaries-v1.geojson"')).toBe('boundaries-v1.geojson');
    expect(attachmentName('attachment; filename=plain.xlsx')).toBe('plain.xlsx');
    expect(attachmentName('attachment')).toBeNull();
    expect(attachmentName(null)).toBeNull();
  });
});

describe('Retry-After', () => {
  it('reads seconds or an HTTP date, and nothing else', () => {
    const now = Date.parse('2026-11-25T08:00:00Z');
    expect(retryAfterSeconds('42', now)).toBe(42);
    expect(retryAfterSeconds('Wed, 25 Nov 2026 08:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Wed, 25 Nov 2026 07:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('travels with the error of a 429, without going to the staff sign-in on a 401', async () => {
    script(() => new Response(JSON.stringify({ error: { code: 'rate_limited', message: '请稍后再试', field: 'phone' } }), { status: 429, headers: { 'retry-after': '37' } }));
    await expect(request('POST', '/api/citizen/sms-code', {}, { redirectOn401: false })).rejects.toMatchObject({ status: 429, field: 'phone', retryAfter: 37 });
  });
});
