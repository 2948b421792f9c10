/**
 * Control messages between main and the engine's utility process, over its parentPort.
 * These are plain objects and carry no log data: that flows over the MessagePort the
 * window gets, in the protocol of src/shared/protocol.ts.
 *
 * Both directions are validated on arrival, with these same schemas on both sides.
 */
import { z } from 'zod';
import { PageTargetSchema } from './page-commands';
import { NotificationSettingsSchema, ThemeSettingSchema } from './settings';

/** OS notifications are a line or two; longer text is cut rather than dropped. */
const MAX_TITLE = 200;
const MAX_BODY = 2000;
/** As many paths as the protocol's importStart takes in one job. */
export const MAX_PATHS = 10_000;
const cut = (max: number) => (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export const EngineToMainSchema = z.discriminatedUnion('type', [
  /** The engine is listening; main may now send `connect`. */
  z.object({ type: z.literal('ready') }),
  /**
   * Show an OS notification. `topic` picks the setting that may silence it; `target` is
   * what a click opens in the window.
   */
  z.object({
    type: z.literal('notify'),
    title: z.string().min(1).transform(cut(MAX_TITLE)),
    body: z.string().transform(cut(MAX_BODY)),
    topic: z.enum(['import', 'receiver', 'alert']).default('alert'),
    target: PageTargetSchema.optional(),
  }),
  /** How many alerts are open now: the tray icon and the dock/taskbar badge show it. */
  z.object({ type: z.literal('alerts'), open: z.number().int().min(0).max(1_000_000) }),
  /** The settings main acts on; sent after `ready` and whenever they change. */
  z.object({ type: z.literal('settings'), theme: ThemeSettingSchema, notifications: NotificationSettingsSchema }),
  /** Answer to `shutdown`: everything is flushed and closed; the process exits next. */
  z.object({ type: z.literal('closed') }),
]);
export type EngineToMain = z.output<typeof EngineToMainSchema>;

export const MainToEngineSchema = z.discriminatedUnion('type', [
  /** A new client: its MessagePort is transferred with this message (ports[0]). */
  z.object({ type: z.literal('connect') }),
  /** Flush, close the store, answer `closed`, exit. */
  z.object({ type: z.literal('shutdown') }),
  /**
   * Import these files or folders (absolute paths), from the command line, a second
   * launch, an OS "open with" or the File menu: one import job per message.
   */
  z.object({ type: z.literal('import'), paths: z.array(z.string().min(1)).min(1).max(MAX_PATHS) }),
  /** Follow these files (File ▸ Follow file…): read them to the end, then keep reading. */
  z.object({ type: z.literal('follow'), paths: z.array(z.string().min(1)).min(1).max(MAX_PATHS) }),
]);
export type MainToEngine = z.output<typeof MainToEngineSchema>;

/** The engine message, or null when it is not one we know (which the caller logs). */
export function parseEngineMessage(raw: unknown): EngineToMain | null {
  const result = EngineToMainSchema.safeParse(raw);
  return result.success ? result.data : null;
}
