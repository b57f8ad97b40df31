// What an audit row of an organisation change keeps: the changed fields before and after (never a
// password hash; phones masked), not only the request's input.

/** `{before, after}` of the given keys, keeping only those whose value changed. */
export function changed<T extends Record<string, unknown>>(before: T, after: T, keys: (keyof T)[]): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const k of keys) {
    if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
    b[k] = before[k];
    a[k] = after[k];
  }
  return { before: b, after: a };
}

/** The keys of an input that were sent (undefined means not sent), but the version the edit names, which is no field of the record. */
export const sentKeys = <T extends object>(input: T) =>
  Object.keys(input).filter((k) => k !== 'version' && (input as Record<string, unknown>)[k] !== undefined) as Exclude<keyof T & string, 'version'>[];
