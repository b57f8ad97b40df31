// pg's own conversion of a JS value to the text of a parameter (used to write the same value inline).
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
