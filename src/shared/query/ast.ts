/**
 * The search language's syntax tree. The parser (parse.ts) builds it, the engine compiles
 * it to SQL (src/engine/query/compile.ts), formatQuery (format.ts) prints it back.
 *
 * Every node carries the span of query text it came from, so a problem found later (an
 * unknown field, a value of the wrong type) can still point at the right characters.
 */

/** 0-based offsets into the query text, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/**
 * A value as the user wrote it. Whether it was quoted is not kept: quoting only decides
 * how the text is read (a quoted `*` is a star, a bare `*` is a wildcard), and that is
 * already settled here.
 */
export type Value =
  | { kind: 'literal'; text: string }
  /** `parts` joined by "any run of characters": `/api/*` is ['/api/', '']. At least two parts. */
  | { kind: 'wildcard'; parts: string[] };

/** `:` and `=` mean the same; `field!=x` parses to NOT field=x. */
export type CompareOp = ':' | '=' | '>' | '>=' | '<' | '<=';
export const COMPARE_OPS: readonly CompareOp[] = [':', '=', '>', '>=', '<', '<='];

export interface FieldRef {
  name: string;
  span: Span;
}

export interface AndNode {
  type: 'and';
  children: QueryNode[];
  span: Span;
}

export interface OrNode {
  type: 'or';
  children: QueryNode[];
  span: Span;
}

export interface NotNode {
  type: 'not';
  child: QueryNode;
  span: Span;
}

/** `*` among other terms (a lone `*` parses to a null tree: no condition at all). */
export interface AllNode {
  type: 'all';
  span: Span;
}

/** A bare word or a quoted phrase: the message contains it, ignoring case. */
export interface TextNode {
  type: 'text';
  value: Value;
  span: Span;
}

/** `/re/`, `/re/i` (on the message) or `field:/re/`. The pattern is the text between the slashes. */
export interface RegexNode {
  type: 'regex';
  field: FieldRef | null;
  pattern: string;
  ignoreCase: boolean;
  span: Span;
}

/** `field:value`, `field>=value`, ... */
export interface FieldNode {
  type: 'field';
  field: FieldRef;
  op: CompareOp;
  value: Value;
  valueSpan: Span;
  span: Span;
}

/** `field:*`: the record has this field. */
export interface ExistsNode {
  type: 'exists';
  field: FieldRef;
  span: Span;
}

export type QueryNode = AndNode | OrNode | NotNode | AllNode | TextNode | RegexNode | FieldNode | ExistsNode;

/** Every field a query names, in the order written, with where it was written. */
export function queryFields(ast: QueryNode | null): FieldRef[] {
  const out: FieldRef[] = [];
  const walk = (n: QueryNode): void => {
    switch (n.type) {
      case 'and':
      case 'or':
        n.children.forEach(walk);
        break;
      case 'not':
        walk(n.child);
        break;
      case 'field':
      case 'exists':
        out.push(n.field);
        break;
      case 'regex':
        if (n.field) out.push(n.field);
        break;
      case 'all':
      case 'text':
        break;
    }
  };
  if (ast) walk(ast);
  return out;
}

/** The distinct field names a query uses (for completion and validation). */
export function queryFieldNames(ast: QueryNode | null): string[] {
  return [...new Set(queryFields(ast).map((f) => f.name))];
}

/** The tree without its spans: to compare queries regardless of how they were written. */
export function stripSpans(node: QueryNode): unknown {
  return JSON.parse(JSON.stringify(node, (key, v) => (key === 'span' || key === 'valueSpan' ? undefined : v)));
}
