import { describe, expect, it } from 'vitest';
import { addFacetFilter, addPatternFilter, facetTerm, quoteValue } from './query-edit';

describe('quoteValue', () => {
  it('quotes and escapes backslashes and quotes', () => {
    expect(quoteValue('api')).toBe('"api"');
    expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteValue('C:\\logs')).toBe('"C:\\\\logs"');
    expect(facetTerm('level', 'error', true)).toBe('-level:"error"');
  });
});

describe('addFacetFilter', () => {
  it('starts an empty query with the term', () => {
    expect(addFacetFilter('', 'level', 'error')).toBe('level:"error"');
    expect(addFacetFilter('   ', 'level', 'error', true)).toBe('-level:"error"');
  });
  it('appends to a query', () => {
    expect(addFacetFilter('timeout', 'host', 'web-01')).toBe('timeout host:"web-01"');
  });
  it('does not add a term twice', () => {
    expect(addFacetFilter('timeout host:"web-01"', 'host', 'web-01')).toBe('timeout host:"web-01"');
  });
  it('replaces the opposite term in place', () => {
    expect(addFacetFilter('a -host:"web-01" b', 'host', 'web-01')).toBe('a host:"web-01" b');
    expect(addFacetFilter('a host:"web-01" b', 'host', 'web-01', true)).toBe('a -host:"web-01" b');
  });
  it('wraps a query with a top-level OR', () => {
    expect(addFacetFilter('a OR b', 'level', 'warn')).toBe('(a OR b) level:"warn"');
    expect(addFacetFilter('(a OR b) c', 'level', 'warn')).toBe('(a OR b) c level:"warn"');
    expect(addFacetFilter('"this OR that"', 'level', 'warn')).toBe('"this OR that" level:"warn"');
    expect(addFacetFilter('/x OR y/', 'level', 'warn')).toBe('/x OR y/ level:"warn"');
  });
  it('sees a term inside parentheses as present', () => {
    expect(addFacetFilter('(level:"error" OR x)', 'level', 'error')).toBe('(level:"error" OR x)');
  });
});

describe('addPatternFilter', () => {
  it('adds pattern:ID unquoted, or its exclusion', () => {
    expect(addPatternFilter('', 12)).toBe('pattern:12');
    expect(addPatternFilter('level:"error"', 12, true)).toBe('level:"error" -pattern:12');
    expect(addPatternFilter('a OR b', 3)).toBe('(a OR b) pattern:3');
  });
  it('does not repeat a term, quoted or not, and flips its opposite in place', () => {
    expect(addPatternFilter('x pattern:12', 12)).toBe('x pattern:12');
    expect(addPatternFilter('x pattern:"12"', 12)).toBe('x pattern:"12"');
    expect(addPatternFilter('x pattern:12 y', 12, true)).toBe('x -pattern:12 y');
    expect(addPatternFilter('x -pattern:"12" y', 12)).toBe('x pattern:12 y');
  });
  it('tells ids apart', () => {
    expect(addPatternFilter('pattern:123', 12)).toBe('pattern:123 pattern:12');
    expect(addPatternFilter('-pattern:1', 12, true)).toBe('-pattern:1 -pattern:12');
  });
});
