/**
 * The settings a person can change, as one schema: what `settings.json` holds, what the
 * Settings view edits and what `settingsGet`/`settingsSet` carry. The engine owns the file
 * (src/engine/settings/): it needs the data folder, receivers and retention, and it runs
 * alone in headless mode. Main gets the part it needs (notifications, theme) from the
 * engine in a control message, so there is one file and one loader.
 *
 * Every field has a default, so `{}` is a valid file and a file written by an older
 * version gains the new fields. Unknown fields are dropped, not refused: a newer version's
 * file still loads. A value of the wrong type or out of range is refused as a whole file.
 */
import { z } from 'zod';

export const SETTINGS_VERSION = 1;

/** A TCP/UDP port; 0 is not allowed here (a receiver needs a port others can be told). */
const Port = z.number().int().min(1).max(65535);

/** IPv4 or IPv6 literal, or `localhost`: the address receivers listen on. */
const ListenAddress = z
  .string()
  .trim()
  .refine((s) => s === 'localhost' || z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success, {
    message: 'must be an IP address (127.0.0.1, 0.0.0.0, ::1, ::) or localhost',
  });

const receiver = (port: number) =>
  z.object({ enabled: z.boolean().default(false), port: Port.default(port) }).default({ enabled: false, port });

export const ReceiversSchema = z
  .object({
    /** Where every receiver listens; 127.0.0.1 keeps them to this machine. */
    listenAddress: ListenAddress.default('127.0.0.1'),
    http: receiver(9880),
    syslogUdp: receiver(5514),
    syslogTcp: receiver(5514),
    gelf: receiver(12201),
    /** Senders must present this (HTTP bearer token); null: no token asked for. */
    token: z.string().min(16, 'must be at least 16 characters').max(200).nullable().default(null),
  })
  .superRefine((r, ctx) => {
    // Two TCP listeners cannot share a port on one address.
    if (r.http.enabled && r.syslogTcp.enabled && r.http.port === r.syslogTcp.port) {
      ctx.addIssue({ code: 'custom', path: ['syslogTcp', 'port'], message: `port ${r.http.port} is already the HTTP receiver's` });
    }
  })
  .prefault({});
export type ReceiverSettings = z.output<typeof ReceiversSchema>;

export const ThemeSettingSchema = z.enum(['system', 'light', 'dark']);
export type ThemeSetting = z.output<typeof ThemeSettingSchema>;

export const NotificationSettingsSchema = z
  .object({
    /** OS notifications at all. */
    enabled: z.boolean().default(true),
    /** Hold every OS notification while on (alerts still show in the app). */
    doNotDisturb: z.boolean().default(false),
    /** A long import finished or failed. */
    imports: z.boolean().default(true),
    /** A receiver stopped (its port was taken, it failed). */
    receivers: z.boolean().default(true),
  })
  .prefault({});
export type NotificationSettings = z.output<typeof NotificationSettingsSchema>;

export const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  /** Where the database lives; null: the default folder. Takes effect after a restart. */
  dataFolder: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\'), {
      message: 'must be an absolute path',
    })
    .nullable()
    .default(null),
  receivers: ReceiversSchema,
  theme: ThemeSettingSchema.default('system'),
  notifications: NotificationSettingsSchema,
  /** Records older than this many days are deleted; 0 keeps everything. */
  retentionDays: z.number().int().min(0).max(36_500).default(30),
});
export type Settings = z.output<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** Fields that only take effect when the engine starts again. */
export const RESTART_FIELDS = ['dataFolder'] as const;

/** What the engine says about its settings file, beside the settings themselves. */
export const SettingsReportSchema = z.object({
  settings: SettingsSchema,
  /** The file, for the person (they may edit it by hand). */
  file: z.string(),
  /**
   * Set when the file could not be used: what was wrong and where, and where the broken
   * file was kept. The settings are then the defaults.
   */
  problem: z.string().nullable(),
  /** Changed fields that take effect after a restart (e.g. the data folder). */
  restartPending: z.array(z.string()),
});
export type SettingsReport = z.output<typeof SettingsReportSchema>;

/** A zod error as one line that names each wrong field: `receivers.http.port: …`. */
export function describeSettingsError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

/** Settings equal by value (the file is small; JSON order is the schema's). */
export function sameSettings(a: Settings, b: Settings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The part of the settings Electron's main process acts on. */
export function shellSettings(settings: Settings): { theme: ThemeSetting; notifications: NotificationSettings } {
  return { theme: settings.theme, notifications: settings.notifications };
}
