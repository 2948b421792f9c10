/**
 * The search bar: Enter runs, `/` focuses it from anywhere, Esc leaves it. As the person
 * types, the text is checked (debounced) and a syntax error is shown under the bar with
 * the offending part underlined; an error from running the query is shown the same way.
 */
import { useEffect, useRef } from 'react';
import { selectVisibleQueryError, useQueryStore, type QueryError } from '../stores/query';
import { validateQuery } from '../api/session';
import { errorSnippet } from '../lib/snippet';
import { isTypingTarget } from '../lib/keys';
import { SearchIcon } from './icons';

export function QueryBar() {
  const draft = useQueryStore((s) => s.draft);
  const setDraft = useQueryStore((s) => s.setDraft);
  const submit = useQueryStore((s) => s.submit);
  const error = useQueryStore(selectVisibleQueryError);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const t = setTimeout(() => validateQuery(draft), 250);
    return () => clearTimeout(t);
  }, [draft]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`querybar${error ? ' has-error' : ''}`}>
      <SearchIcon className="querybar-icon" />
      <input
        ref={input}
        data-testid="query-input"
        className="querybar-input"
        type="text"
        value={draft}
        placeholder='Search logs — level:error "connection refused" -source:"access.log" status>=500'
        spellCheck={false}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        aria-label="Query"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'query-error' : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            submit();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.currentTarget.blur();
          }
        }}
      />
      <kbd className="querybar-hint" title="Press / to focus the search bar">
        /
      </kbd>
      {error && <QueryErrorView error={error} />}
    </div>
  );
}

/** A query error with the offending part underlined; also used by the alert rule editor. */
export function QueryErrorView({ error, id = 'query-error' }: { error: QueryError; id?: string }) {
  const snip = errorSnippet(error.query, error.start, error.end);
  const column = Math.min(error.start, error.query.length) + 1;
  return (
    <div
      id={id}
      className="query-error"
      data-testid={id}
      data-start={error.start}
      data-end={error.end}
      role="alert"
    >
      <div className="query-error-msg">
        <strong>{error.message}</strong>
        <span className="dim"> at column {column}</span>
      </div>
      {error.query !== '' && (
        <pre className="query-error-snippet">
          <span>{snip.before}</span>
          <mark>{snip.mark || ' '}</mark>
          <span>{snip.after}</span>
          {'\n'}
          <span className="query-error-caret">{' '.repeat(snip.caretAt) + '^' + '~'.repeat(snip.caretLen - 1)}</span>
        </pre>
      )}
    </div>
  );
}
