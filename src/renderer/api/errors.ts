/** Turning whatever a call threw into something to show. */
import { EngineError } from '../../shared/client';
import type { QueryErrorInfo } from '../../shared/protocol';

export interface Described {
  /** null: the pipe dropped; the connection banner says so already. */
  message: string | null;
  query: QueryErrorInfo | null;
}

export function describeError(e: unknown): Described {
  if (e instanceof EngineError) {
    if (e.info.code === 'unavailable') return { message: null, query: null };
    return { message: e.info.message, query: e.info.query ?? null };
  }
  return { message: e instanceof Error ? e.message : String(e), query: null };
}

/** The engine refused the query text itself (as opposed to failing to run it). */
export function isQueryError(e: unknown): boolean {
  return e instanceof EngineError && e.info.code === 'query';
}
