import type { QueryErrorInfo } from '../protocol';

/**
 * A problem with the query text, pointing at the characters it is about. The parser and
 * the compiler throw it; the engine turns it into an `ErrorInfo` with code 'query' so the
 * search bar can underline the place.
 */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }

  get info(): QueryErrorInfo {
    return { message: this.message, start: this.start, end: this.end };
  }
}
