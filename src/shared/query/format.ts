/**
 * Prints a syntax tree back as query text, such that parsing the text gives the same tree
 * (spans aside). The UI uses it to write queries it builds (a click on a facet value); the
 * round trip is property-tested against the parser.
 *
 * Words are printed bare when nothing in them could be read as syntax, quoted otherwise;
 * wildcard values cannot be quoted (a quoted `*` is a star), so their syntax characters
 * are backslash-escaped instead.
 */
import type { QueryNode, Value } from './ast';
import { KEYWORD } from './scan';

/** Free text: nothing that could start a field (`:<>=!`), a group, a NOT, or be a keyword. */
const SIMPLE_TEXT = /^(?![-!])[^\s\\"()*:<>=!]+$/u;
/** A field value only ends at whitespace or a paren; a leading `=` would merge into `>`/`<`. */
const SIMPLE_VALUE = /^(?!=)[^\s\\"()*]+$/u;

export function formatQuery(ast: QueryNode | null): string {
  return ast ? format(ast) : '';
}

function format(n: QueryNode): string {
  switch (n.type) {
    case 'and':
      return n.children.map((c) => (c.type === 'and' || c.type === 'or' ? `(${format(c)})` : format(c))).join(' ');
    case 'or':
      return n.children.map((c) => (c.type === 'or' ? `(${format(c)})` : format(c))).join(' OR ');
    case 'not':
      return '-' + (n.child.type === 'and' || n.child.type === 'or' ? `(${format(n.child)})` : format(n.child));
    case 'all':
      return '*';
    case 'text':
      return formatValue(n.value, 'text');
    case 'regex':
      return `${n.field ? n.field.name + ':' : ''}/${n.pattern}/${n.ignoreCase ? 'i' : ''}`;
    case 'field':
      return n.field.name + n.op + formatValue(n.value, 'value');
    case 'exists':
      return n.field.name + ':*';
  }
}

function formatValue(v: Value, where: 'text' | 'value'): string {
  if (v.kind === 'wildcard') {
    const s = v.parts.map((p, i) => escapeBare(p, where, i === 0)).join('*');
    // A leading '/' may start a regex that the scanner closes further along the query
    // (found by the round-trip property test: `/** -level:/`), so it is always escaped.
    return s.startsWith('/') ? '\\' + s : s;
  }
  const simple = where === 'text' ? SIMPLE_TEXT.test(v.text) && !KEYWORD.test(v.text) : SIMPLE_VALUE.test(v.text);
  return simple && !v.text.startsWith('/') ? v.text : quote(v.text);
}

export function quote(text: string): string {
  return '"' + text.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** Backslash what the scanner would otherwise read as syntax at this place in a bare word. */
function escapeBare(part: string, where: 'text' | 'value', first: boolean): string {
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const ch = part[i]!;
    const always = /\s/.test(ch) || '\\"()*'.includes(ch);
    const leading = first && i === 0 && (where === 'text' ? ch === '-' || ch === '!' : ch === '=');
    const inText = where === 'text' && ':<>=!'.includes(ch);
    out += always || inText || leading ? '\\' + ch : ch;
  }
  return out;
}
