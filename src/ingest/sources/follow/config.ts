import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * What to follow and how. Checked when the follower is built, so a bad setting fails
 * there with a message that names it, not later inside a watcher callback.
 */
export const followConfigSchema = z
  .object({
    /** Shown in the UI; defaults to "follow <paths>". */
    name: z.string().min(1).optional(),
    /** Files, folders (their files) or globs (`/var/log/*.log`, `logs/**\/*.json`); relative paths resolve against the working folder. */
    paths: z.array(z.string().min(1, 'empty path')).min(1, 'give at least one path'),
    /**
     * Where to begin in files that already exist when following starts and were never
     * read before. Files that appear later, and any file whose read offset is stored, do
     * not use it: new files are read from their first line, known ones from where reading stopped.
     */
    start: z.enum(['end', 'beginning']).default('end'),
    /** Follow files in sub-folders of a followed folder too. */
    recursive: z.boolean().default(false),
    /** Poll instead of file-system events (network shares, some containers). */
    poll: z.boolean().default(false),
    pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    /** How often known files are re-checked (size, identity, timers) whatever the events say. */
    checkIntervalMs: z.number().int().min(10).max(60_000).default(500),
    /** A file rotated away (renamed, deleted) is read until it has been quiet this long. */
    rotateWaitMs: z.number().int().min(0).max(3_600_000).default(5000),
    /** A multi-line record that no later line continues is stored after this much quiet. */
    multilineIdleMs: z.number().int().min(0).max(600_000).default(500),
    /** Wait before retrying a file that could not be read (permission denied, store error). */
    retryMs: z.number().int().min(10).max(3_600_000).default(2000),
    /** Records per write to the sink. */
    batchRecords: z.number().int().min(1).max(100_000).default(5000),
    /** Bytes at the start of a file that identify it (see fingerprint.ts). */
    fingerprintBytes: z.number().int().min(16).max(65_536).default(1024),
    maxLineBytes: z.number().int().min(1024).default(1 << 20),
    /** Zone for timestamps that carry none ('local', 'UTC' or an IANA name). */
    defaultZone: z.string().min(1).default('local'),
  })
  .strict();

export type FollowConfigInput = z.input<typeof followConfigSchema>;
export type FollowConfig = z.output<typeof followConfigSchema>;

/** Validates a follow configuration; throws an Error that says which setting is wrong and why. */
export function parseFollowConfig(input: unknown): FollowConfig {
  const parsed = followConfigSchema.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'config'}: ${i.message}`).join('; ');
    throw new Error(`follow config: ${why}`);
  }
  return { ...parsed.data, paths: parsed.data.paths.map((p) => resolve(p)) };
}
