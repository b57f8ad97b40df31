// A tiny tagged template for parameterised SQL: values become $n, fragments nest.
export interface SqlQuery {
  text: string;
  values: unknown[];
}

export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly params: readonly unknown[],
  ) {}

  /** Renders to pg's { text, values }, numbering parameters across nested fragments. */
  toQuery(): SqlQuery {
    const values: unknown[] = [];
    const text = this.render(values);
    return { text, values };
  }

  /**
   * Renders with every value written inline by `literal` (an escaped SQL literal), for the simple
   * protocol; undefined when `literal` refuses a value.
   */
  toText(literal: (v: unknown) => string | undefined): string | undefined {
    let out = this.strings[0];
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      const text = p instanceof Sql ? p.toText(literal) : literal(p);
      if (text === undefined) return undefined;
      out += text + this.strings[i + 1];
    }
    return out;
  }

  private render(values: unknown[]): string {
    let out = this.strings[0];
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      if (p instanceof Sql) out += p.render(values);
      else {
        values.push(p);
        out += `$${values.length}`;
      }
      out += this.strings[i + 1];
    }
    return out;
  }
}

export function sql(strings: TemplateStringsArray, ...params: unknown[]): Sql {
  return new Sql(strings, params);
}

/** Joins fragments with a separator (itself literal SQL). */
export function join(parts: Sql[], separator = ', '): Sql {
  if (parts.length === 0) return sql``;
  const strings = [''];
  for (let i = 1; i < parts.length; i++) strings.push(separator);
  strings.push('');
  return new Sql(strings, parts);
}

/** AND of the given conditions; `true` when there are none. */
export function and(conds: Sql[]): Sql {
  return conds.length === 0 ? sql`true` : join(conds, ' and ');
}

/** Literal SQL from a fixed, code-side string (never from input). */
export function raw(text: string): Sql {
  return new Sql([text], []);
}
