import type { FileOffset, FollowOffsets } from '../../ingest/sources/follow/offsets';
import type { Store } from '../store/store';

/**
 * A followed file's offset row, stored and moved to a longer fingerprint in one
 * statement: the writer commits it with the rows it covers (`alsoCommit` is one
 * statement), so storing under the new key and dropping the old one cannot come apart.
 * The second source row only matches when there is an old key to drop.
 */
const SAVE_SQL = `
  MERGE INTO file_offsets t
  USING (
    SELECT ?::VARCHAR AS fingerprint, ?::VARCHAR AS path, ?::UBIGINT AS byte_offset, ?::UBIGINT AS line, false AS drop_it
    UNION ALL
    SELECT ?::VARCHAR, '', 0, 0, true
  ) s
  ON t.fingerprint = s.fingerprint
  WHEN MATCHED AND s.drop_it THEN DELETE
  WHEN MATCHED THEN UPDATE SET path = s.path, byte_offset = s.byte_offset, line = s.line, updated_at = now()::TIMESTAMP
  WHEN NOT MATCHED AND NOT s.drop_it THEN INSERT (fingerprint, path, byte_offset, line, updated_at)
    VALUES (s.fingerprint, s.path, s.byte_offset, s.line, now()::TIMESTAMP)`;

/** Offsets of followed files over the `file_offsets` table (schema v3). */
export function createFileOffsets(store: Store): FollowOffsets {
  return {
    async load(): Promise<FileOffset[]> {
      const rows = await store.read('SELECT fingerprint, path, byte_offset::DOUBLE AS off, line::DOUBLE AS line FROM file_offsets');
      return rows.map((r) => ({ fingerprint: String(r.fingerprint), path: String(r.path), offset: Number(r.off), line: Number(r.line) }));
    },
    saveStatement(o: FileOffset, replaces: string | null) {
      // A key that is never stored stands in when there is nothing to drop.
      return { sql: SAVE_SQL, params: [o.fingerprint, o.path, o.offset, o.line, replaces ?? ''] };
    },
  };
}
