// A small reader of WKT coordinate system text (.prj files: WKT1 as ESRI and OGC write it, and WKT2).

export interface WktNode {
  keyword: string;
  args: WktValue[];
}
export type WktValue = string | number | WktNode;

/** Parses WKT into a tree of KEYWORD[args]; throws on text that is not WKT. */
export function parseWkt(text: string): WktNode {
  const reader = new WktReader(text);
  const node = reader.node();
  reader.end();
  return node;
}

class WktReader {
  private at = 0;
  constructor(private readonly text: string) {}

  node(): WktNode {
    const keyword = this.word();
    if (!keyword) this.fail('a keyword');
    this.skipSpace();
    const open = this.text[this.at];
    if (open !== '[' && open !== '(') return { keyword: keyword.toUpperCase(), args: [] };
    this.at++;
    const args: WktValue[] = [];
    for (;;) {
      args.push(this.value());
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === ']' || next === ')') return { keyword: keyword.toUpperCase(), args };
      if (next !== ',') this.fail('"," or a closing bracket');
    }
  }

  end(): void {
    this.skipSpace();
    if (this.at < this.text.length) this.fail('the end');
  }

  private value(): WktValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '"') return this.quoted();
    if (c !== undefined && /[-+.\d]/.test(c)) return this.number();
    return this.node(); // a bare word such as EAST in AXIS["x",EAST] becomes a node without args
  }

  private quoted(): string {
    let out = '';
    this.at++;
    for (;;) {
      const end = this.text.indexOf('"', this.at);
      if (end < 0) this.fail('a closing quote');
      out += this.text.slice(this.at, end);
      this.at = end + 1;
      if (this.text[this.at] !== '"') return out;
      out += '"'; // "" is an escaped quote
      this.at++;
    }
  }

  private number(): number {
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.text.slice(this.at));
    if (!m) this.fail('a number');
    this.at += m[0].length;
    return Number(m[0]);
  }

  private word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    this.at += m ? m[0].length : 0;
    return m ? m[0] : '';
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private fail(expected: string): never {
    throw new SyntaxError(`WKT: expected ${expected} at character ${this.at}`);
  }
}

/** The first node with one of the keywords, searched depth-first (the node itself included). */
export function findNode(node: WktNode, keywords: string[]): WktNode | null {
  if (keywords.includes(node.keyword)) return node;
  for (const arg of node.args) {
    if (typeof arg === 'object') {
      const hit = findNode(arg, keywords);
      if (hit) return hit;
    }
  }
  return null;
}

/** The direct children with one of the keywords. */
export function childNodes(node: WktNode, keywords: string[]): WktNode[] {
  return node.args.filter((a): a is WktNode => typeof a === 'object' && keywords.includes(a.keyword));
}

/** The node's name: its first argument when that is text. */
export function nameOf(node: WktNode | null): string {
  const first = node?.args[0];
  return typeof first === 'string' ? first : '';
}
