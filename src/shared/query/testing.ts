/**
 * fast-check generators for query trees. For tests only (here and in src/engine/query);
 * nothing in the app imports this module.
 */
import fc from 'fast-check';
import type { CompareOp, FieldRef, QueryNode, Value } from './ast';

const SPAN = { start: 0, end: 0 };

/** Characters that are syntax somewhere, so generated text keeps hitting the escaping rules. */
export const SYNTAX_CHARS = [
  ' ',
  '\t',
  '\\',
  '"',
  "'",
  '(',
  ')',
  '*',
  ':',
  '<',
  '>',
  '=',
  '-',
  '!',
  '/',
  '%',
  '_',
  ';',
  '~',
  '$',
  '.',
  '?',
];

/** Short strings mixing syntax characters, letters and any Unicode. */
export const queryText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...SYNTAX_CHARS),
    fc.constantFrom('a', 'B', 'or', 'AND', 'not'),
    fc.constant('é'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 8,
});

export const fieldName = fc.oneof(
  fc.constantFrom(
    'level',
    'status',
    'host',
    'source',
    'latency_ms',
    'user.id',
    'x-request-id',
    '@timestamp',
    'ünï',
    'and',
    'not',
  ),
  fc.stringMatching(/^[a-z_@][a-z0-9_.@-]{0,6}$/),
);

const fieldRef: fc.Arbitrary<FieldRef> = fieldName.map((name) => ({ name, span: SPAN }));

/** RE2- and JavaScript-valid patterns, including an escaped slash. */
export const regexPattern = fc.constantFrom(
  'a.c',
  'x\\/y',
  '\\d+',
  '[a-z]+',
  'é+',
  '(foo|bar)',
  '^GET ',
  'a\\)b',
  '[/]',
);

const literal: fc.Arbitrary<Value> = queryText.map((text) => ({ kind: 'literal', text }));
const wildcard: fc.Arbitrary<Value> = fc
  .array(queryText, { minLength: 2, maxLength: 4 })
  .filter((parts) => parts.some((p) => p !== ''))
  .map((parts) => ({ kind: 'wildcard', parts }));

const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
  fc.oneof(literal, wildcard).map((value): QueryNode => ({ type: 'text', value, span: SPAN })),
  fc
    .record({ field: fc.option(fieldRef, { nil: null }), pattern: regexPattern, ignoreCase: fc.boolean() })
    .map((r): QueryNode => ({ type: 'regex', ...r, span: SPAN })),
  fc
    .tuple(fieldRef, fc.constantFrom<CompareOp>(':', '='), fc.oneof(literal, wildcard))
    .map(([field, op, value]): QueryNode => ({ type: 'field', field, op, value, valueSpan: SPAN, span: SPAN })),
  fc
    .tuple(fieldRef, fc.constantFrom<CompareOp>('>', '>=', '<', '<='), literal)
    .map(([field, op, value]): QueryNode => ({ type: 'field', field, op, value, valueSpan: SPAN, span: SPAN })),
  fieldRef.map((field): QueryNode => ({ type: 'exists', field, span: SPAN })),
  fc.constant<QueryNode>({ type: 'all', span: SPAN }),
);

/** Any tree the parser can produce, except a lone `*` (which parses to null). */
export const queryTree: fc.Arbitrary<QueryNode> = fc
  .letrec<{ node: QueryNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('node'), { minLength: 2, maxLength: 3 }))
        .map(([type, children]): QueryNode => ({ type, children, span: SPAN })),
      tie('node').map((child): QueryNode => ({ type: 'not', child, span: SPAN })),
    ),
  }))
  .node.filter((n) => n.type !== 'all');
