import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * A table `name (c VARCHAR)` of every Unicode scalar value from U+0001, one per row: for
 * checking what DuckDB's string functions (lower()) do to each character.
 */
export async function codePointTable(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`CREATE TABLE ${name} (c VARCHAR)`);
  const appender = await conn.createAppender(name);
  for (let cp = 1; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    appender.appendVarchar(String.fromCodePoint(cp));
    appender.endRow();
  }
  appender.closeSync();
}
