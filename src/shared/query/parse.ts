/**
 * The search bar's language, in the habits of Kibana and Grafana:
 *
 *   query    := or
 *   or       := and ( OR and )*
 *   and      := unary ( [AND] unary )*          adjacent terms are ANDed
 *   unary    := ( NOT | - | ! ) unary | primary  so NOT binds tighter than AND, AND than OR
 *   primary  := '(' or ')' | term
 *   term     := "phrase" | word | /regex/[i] | * | field op value | field:* | field:/regex/[i]
 *   op       := : | = | != | > | >= | < | <=
 *
 * Keywords are case-insensitive. Bare words and phrases search the message; `*` inside a
 * bare word or value is a wildcard, inside quotes it is a star. Errors name the place.
 */
import type { QueryErrorInfo } from '../protocol';
import type { CompareOp, FieldRef, QueryNode, Span, Value } from './ast';
import { QueryError } from './error';
import { regexProblem } from './regex';
import {
  FIELD_NAME,
  KEYWORD,
  isDelimiter,
  isSpace,
  matchOperator,
  readBare,
  readQuoted,
  readRegex,
  type OperatorText,
} from './scan';

export type ParseResult = { ok: true; ast: QueryNode | null } | { ok: false; error: QueryErrorInfo };

/** Deeper nesting than this is a typing accident or an attack, and would strain SQL too. */
export const MAX_DEPTH = 100;

type Token =
  | { kind: '(' | ')' | 'and' | 'or' | 'not'; start: number; end: number }
  | { kind: 'term'; node: QueryNode; start: number; end: number };

export function parseQuery(text: string): ParseResult {
  try {
    return { ok: true, ast: new Parser(text, tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e.info };
    throw e;
  }
}

/** Like parseQuery, for callers that prefer an exception (the engine). */
export function parseQueryOrThrow(text: string): QueryNode | null {
  return new Parser(text, tokenize(text)).parse();
}

// ---------------------------------------------------------------------------------------
// Tokens

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) return tokens;
    const ch = text[i]!;
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, start: i, end: i + 1 });
      i++;
    } else if (ch === '-' || ch === '!') {
      if (isDelimiter(text, i + 1)) {
        throw new QueryError(
          `"${ch}" at ${i} must be followed by what to exclude (to search for "${ch}" itself, put it in quotes)`,
          i,
          i + 1,
        );
      }
      tokens.push({ kind: 'not', start: i, end: i + 1 });
      i++;
    } else {
      const token = scanTerm(text, i);
      tokens.push(token);
      i = token.end;
    }
  }
}

function scanTerm(text: string, start: number): Token {
  const term = (node: QueryNode): Token => ({ kind: 'term', node, start, end: node.span.end });
  const ch = text[start];
  if (ch === '"') {
    const q = readQuoted(text, start);
    return term({ type: 'text', value: { kind: 'literal', text: q.text }, span: { start, end: q.end } });
  }
  if (ch === '/') {
    const r = readRegex(text, start);
    if (r) return term(regexNode(null, r.pattern, r.ignoreCase, { start, end: r.end }, start));
  }
  FIELD_NAME.lastIndex = start;
  const name = FIELD_NAME.exec(text)?.[0];
  if (name !== undefined) {
    const op = matchOperator(text, start + name.length);
    if (op) return term(scanFieldTerm(text, start, name, op));
  }
  const b = readBare(text, start);
  const span = { start, end: b.end };
  if (!b.escaped && b.parts.length === 1 && KEYWORD.test(b.parts[0]!)) {
    return { kind: b.parts[0]!.toLowerCase() as 'and' | 'or' | 'not', ...span };
  }
  if (b.parts.every((p) => p === '')) return term({ type: 'all', span });
  return term({ type: 'text', value: toValue(b.parts), span });
}

function toValue(parts: string[]): Value {
  return parts.length === 1 ? { kind: 'literal', text: parts[0]! } : { kind: 'wildcard', parts };
}

function scanFieldTerm(text: string, start: number, name: string, op: OperatorText): QueryNode {
  const field: FieldRef = { name, span: { start, end: start + name.length } };
  const opEnd = field.span.end + op.length;
  const cmp: CompareOp = op === '!=' ? '=' : op;
  const equality = cmp === ':' || cmp === '=';
  const node = scanFieldValue(text, start, field, op, cmp, equality, opEnd);
  return op === '!=' ? { type: 'not', child: node, span: node.span } : node;
}

function scanFieldValue(
  text: string,
  start: number,
  field: FieldRef,
  op: OperatorText,
  cmp: CompareOp,
  equality: boolean,
  at: number,
): QueryNode {
  const name = field.name;
  if (isDelimiter(text, at)) {
    throw new QueryError(`field "${name}" needs a value after "${op}" (at ${at})`, start, at);
  }
  const ch = text[at];
  if (ch === '"') {
    const q = readQuoted(text, at);
    const valueSpan = { start: at, end: q.end };
    return {
      type: 'field',
      field,
      op: cmp,
      value: { kind: 'literal', text: q.text },
      valueSpan,
      span: { start, end: q.end },
    };
  }
  if (ch === '(') {
    throw new QueryError(
      `grouped values are not supported: write (${name}:a OR ${name}:b) instead of ${name}:(a OR b)`,
      at,
      at + 1,
    );
  }
  if (ch === '/' && equality) {
    const r = readRegex(text, at);
    if (r) return regexNode(field, r.pattern, r.ignoreCase, { start, end: r.end }, at);
  }
  const b = readBare(text, at);
  const valueSpan = { start: at, end: b.end };
  const span = { start, end: b.end };
  if (b.parts.every((p) => p === '')) {
    if (equality) return { type: 'exists', field, span };
    throw new QueryError(`"${op}" needs a value to compare with, not "*" (at ${at})`, at, b.end);
  }
  if (b.parts.length > 1 && !equality) {
    throw new QueryError(`wildcards (*) only work with ":" and "=", not "${op}" (at ${at})`, at, b.end);
  }
  return { type: 'field', field, op: cmp, value: toValue(b.parts), valueSpan, span };
}

function regexNode(field: FieldRef | null, raw: string, flag: boolean, span: Span, at: number): QueryNode {
  // Grafana users write (?i); JavaScript's RegExp (used to check the pattern) does not know
  // it, so a leading (?i) becomes the /i flag.
  const inlineI = raw.startsWith('(?i)');
  const pattern = inlineI ? raw.slice(4) : raw;
  const problem = pattern === '' ? 'the pattern is empty' : regexProblem(pattern);
  if (problem) throw new QueryError(`bad regular expression at ${at}: ${problem}`, at, span.end);
  return { type: 'regex', field, pattern, ignoreCase: flag || inlineI, span };
}

// ---------------------------------------------------------------------------------------
// Structure

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): QueryNode | null {
    if (this.tokens.length === 0) return null;
    const ast = this.parseOr();
    const extra = this.peek();
    if (extra) throw new QueryError(`unmatched ")" at ${extra.start}`, extra.start, extra.end);
    // A lone `*` asks for everything, like an empty query: no condition at all.
    return ast.type === 'all' ? null : ast;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private word(t: Token): string {
    return this.text.slice(t.start, t.end);
  }

  /** After an operator, something must follow that can start a term. */
  private expectOperand(op: Token): void {
    const next = this.peek();
    if (!next || next.kind === ')' || next.kind === 'and' || next.kind === 'or') {
      throw new QueryError(`"${this.word(op)}" at ${op.start} needs a term after it`, op.start, op.end);
    }
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    for (let t = this.peek(); t?.kind === 'or'; t = this.peek()) {
      this.i++;
      this.expectOperand(t);
      children.push(this.parseAnd());
    }
    return group('or', children);
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.kind === 'and') {
        this.i++;
        this.expectOperand(t);
      } else if (t.kind === 'or' || t.kind === ')') {
        break;
      }
      children.push(this.parseUnary());
    }
    return group('and', children);
  }

  private parseUnary(): QueryNode {
    const t = this.peek()!;
    if (t.kind !== 'not') return this.parsePrimary();
    this.i++;
    this.expectOperand(t);
    this.enter(t);
    const child = this.parseUnary();
    this.depth--;
    return { type: 'not', child, span: { start: t.start, end: child.span.end } };
  }

  private parsePrimary(): QueryNode {
    const t = this.tokens[this.i++]!;
    switch (t.kind) {
      case 'term':
        return t.node;
      case '(': {
        this.enter(t);
        const first = this.peek();
        if (!first) throw new QueryError(`unclosed parenthesis at ${t.start}`, t.start, t.end);
        if (first.kind === ')') {
          throw new QueryError(`empty parentheses at ${t.start}`, t.start, first.end);
        }
        const inner = this.parseOr();
        const close = this.peek();
        if (close?.kind !== ')') throw new QueryError(`unclosed parenthesis at ${t.start}`, t.start, t.end);
        this.i++;
        this.depth--;
        // The group's span takes in its parentheses; a leaf keeps its own field/value spans.
        return { ...inner, span: { start: t.start, end: close.end } };
      }
      case ')':
        throw new QueryError(`unmatched ")" at ${t.start}`, t.start, t.end);
      default: // 'and' | 'or' where a term should start
        throw new QueryError(`"${this.word(t)}" at ${t.start} needs a term before it`, t.start, t.end);
    }
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw new QueryError(`the query nests more than ${MAX_DEPTH} levels deep (at ${t.start})`, t.start, t.end);
    }
  }
}

function group(type: 'and' | 'or', children: QueryNode[]): QueryNode {
  if (children.length === 1) return children[0]!;
  const span = { start: children[0]!.span.start, end: children[children.length - 1]!.span.end };
  return { type, children, span };
}
