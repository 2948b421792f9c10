/** Where reading of one file stopped: bytes and lines consumed, always at a line start. */
export interface FileOffset {
  /** The file's identity (fingerprint.ts), not its path. */
  fingerprint: string;
  /** Where the file was last seen. */
  path: string;
  offset: number;
  line: number;
}

/**
 * Persistence of read offsets, implemented by the engine over its `file_offsets` table
 * (src/engine/live/file-offsets.ts). An offset is never written on its own: the follower
 * hands the statement to `RecordSink.write` as `alsoCommit`, so it lands in the same
 * transaction as the rows it covers. After a crash either both are stored or neither,
 * and reading resumes exactly after the last stored line.
 */
export interface FollowOffsets {
  /** Every stored offset, read once when following starts. */
  load(): Promise<FileOffset[]>;
  /**
   * The statement that stores `offset`, and drops the row stored under `replaces` (the
   * same file under a shorter fingerprint, taken while it was smaller than the
   * fingerprint's length).
   */
  saveStatement(offset: FileOffset, replaces: string | null): { sql: string; params: unknown[] };
}
