// Characters no field of this system needs: C0 controls other than tab, line feed and carriage
// return, DEL and the C1 block, and the bidirectional embeddings, overrides and isolates that make a
// name or address display differently from how it is stored (U+202E "Trojan Source").
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** Spreadsheet text with those characters removed (a cell cannot be refused for what no one sees). */
export const withoutControls = (s: string): string => s.replace(CONTROL_ALL, '');
