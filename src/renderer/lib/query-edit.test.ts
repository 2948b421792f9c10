import { describe, expect, it } from 'vitest';
import { addFacetFilter, facetTerm, quoteValue } from './query-edit';

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
