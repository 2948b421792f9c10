/**
 * Commands Electron's main process gives the page: the app menu (theme, settings) and a
 * clicked OS notification (show what it is about). Main sends them over IPC, the preload
 * posts them into the page (src/main/shell-contract.ts), and the page validates them here
 * before acting: the page trusts nothing that arrives by window.postMessage.
 */
import { z } from 'zod';

/** What a notification is about: a view, optionally with a query to run there. */
export const PageTargetSchema = z.object({
  /** A view of the UI (explore, patterns, settings, …); an unknown one opens Explore. */
  view: z.string().regex(/^[a-z][a-z-]{0,31}$/),
  /** Query text for the search bar. */
  query: z.string().max(10_000).optional(),
  /** The time range to show it over (epoch ms, either end open): an alert's window. */
  from: z.number().finite().optional(),
  to: z.number().finite().optional(),
});
export type PageTarget = z.output<typeof PageTargetSchema>;

export const PageCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('navigate'), target: PageTargetSchema }),
  z.object({ type: z.literal('theme'), theme: z.enum(['system', 'light', 'dark']) }),
]);
export type PageCommand = z.output<typeof PageCommandSchema>;

export function parsePageCommand(raw: unknown): PageCommand | null {
  const result = PageCommandSchema.safeParse(raw);
  return result.success ? result.data : null;
}
