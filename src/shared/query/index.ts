/** The search language: syntax tree, parser, printer. Compiling to SQL lives in the engine. */
export * from './ast';
export { QueryError } from './error';
export { parseQuery, parseQueryOrThrow, MAX_DEPTH, type ParseResult } from './parse';
export { formatQuery } from './format';
