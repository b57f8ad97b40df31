import { describe, expect, it } from 'vitest';
import { PersonCreate } from './schema.ts';
import { FORM_STEPS, NOT_ON_FORM, personForm } from './form.ts';

describe('the person form of the phones', () => {
  it('puts every field the API accepts on exactly one step, except those the workflow sets', () => {
    const onForm = Object.values(FORM_STEPS).flat();
    expect(new Set(onForm).size).toBe(onForm.length);
    const accepted = Object.keys(PersonCreate.shape).filter((k) => !(NOT_ON_FORM as readonly string[]).includes(k));
    expect([...onForm].sort()).toEqual(accepted.sort());
  });

  it('describes fields from the validation schema: types, allowed values, limits, required', () => {
    const fields = Object.fromEntries(personForm().steps.flatMap((s) => s.fields).map((f) => [f.name, f]));
    expect(fields.name).toMatchObject({ type: 'string', required: true, maxLength: 50 });
    expect(fields.sex).toMatchObject({ type: 'enum', options: ['male', 'female'] });
    expect(fields.idType).toMatchObject({ type: 'enum', default: 'resident_id' });
    expect(fields.conditions).toMatchObject({ type: 'enumList', options: expect.arrayContaining(['fever', 'cough']) });
    expect(fields.wuhanHistory.type).toBe('boolean');
    expect(fields.age).toMatchObject({ type: 'integer', minimum: 0, maximum: 130 });
    expect(fields.observationStart.type).toBe('date');
    expect(fields.isolationConfirmedAt.type).toBe('datetime');
    expect(fields.conditionNote.type).toBe('text');
    expect(fields.coResidents).toMatchObject({ type: 'objectList', fields: [{ name: 'name', required: true }, { name: 'relation', required: true }] });
    expect(fields.location.type).toBe('location');
    expect(fields.householdId.type).toBe('household');
    expect(personForm().steps.map((s) => s.id)).toEqual(['identity', 'health', 'trajectory', 'management', 'residence']);
  });
});
