/**
 * The miner's saved state, as toJSON() writes it and fromJSON() reads it back. It is read
 * through this schema because it comes from disk: a damaged or foreign file is refused
 * with a message, never half-loaded.
 *
 * Version 2: patterns of shapes, word wildcards written as strings (wildcard.ts). The
 * first snapshot's version 1 is refused, and the engine then starts a new miner.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const id = z.number().int().positive();

export const minerStateSchema = z
  .strictObject({
    version: z.literal(2),
    options: z.strictObject({
      maxTemplates: count,
      maxTokens: count,
      evidence: count,
      cacheSize: count,
    }),
    nextId: id,
    nextShape: id,
    clock: count,
    counters: z.strictObject({ evicted: count, merged: count, generalised: count, truncated: count }),
    patterns: z.array(
      z.strictObject({
        id,
        count,
        shapes: z
          .array(
            z.strictObject({
              key: id,
              // null: a value wildcard; a word wildcard is a string that starts with \u0002 (wildcard.ts)
              tokens: z.array(z.string().min(1).nullable()).min(1),
              count,
              lastSeen: count,
            }),
          )
          .min(1),
      }),
    ),
    groups: z.array(z.strictObject({ index: count, members: z.array(id), blocked: z.boolean() })),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<number>();
    const keys = new Set<number>();
    for (const p of s.patterns) {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['patterns'], message: `pattern ${p.id} twice` });
      if (p.id >= s.nextId)
        ctx.addIssue({ code: 'custom', path: ['nextId'], message: `pattern ${p.id} is not below nextId` });
      ids.add(p.id);
      for (const shape of p.shapes) {
        if (keys.has(shape.key))
          ctx.addIssue({ code: 'custom', path: ['patterns'], message: `shape ${shape.key} twice` });
        if (shape.key >= s.nextShape)
          ctx.addIssue({ code: 'custom', path: ['nextShape'], message: `shape ${shape.key} is not below nextShape` });
        keys.add(shape.key);
      }
    }
  });

export type MinerState = z.infer<typeof minerStateSchema>;
