/**
 * A rule's `notify` entries, read into where and how to send. Rule files are checked with
 * ChannelSchema at save; this is read again here because the notifier is the last place
 * before the network: nothing but http(s) ever leaves, and every secret a channel holds
 * (a bot token, a Slack hook's key, a URL's password or query) is known so that errors
 * and status can have them removed.
 */
import { maskChannel } from '../../../shared/alerts';

export type InAppChannel = 'os' | 'toast';

export type ParsedChannel =
  | { kind: 'app'; channel: InAppChannel }
  | {
      kind: 'webhook' | 'slack' | 'telegram';
      channel: string;
      /** Where the POST goes (credentials taken out of it: fetch refuses them in a URL). */
      url: string;
      /** Basic auth from the URL's user info, as a header. */
      headers: Record<string, string>;
      /** Telegram: the chat_id sendMessage takes. */
      chat: string | null;
      /** Strings that must never appear in a log line or status. */
      secrets: string[];
    };

export interface ChannelEndpoints {
  /** Telegram's Bot API base; tests point it at a local server. */
  telegramApi: string;
  /** Replaces the origin (scheme and host) of Slack hook URLs, keeping the path; null: as written. */
  slackBase: string | null;
}

export const DEFAULT_ENDPOINTS: ChannelEndpoints = { telegramApi: 'https://api.telegram.org', slackBase: null };

const TELEGRAM = /^telegram:([0-9]+:[A-Za-z0-9_-]+)\/(-?[0-9]+|@[A-Za-z0-9_]+)$/;

/** The channel, or why it cannot be used (the message never holds its secrets). */
export function parseChannel(channel: string, endpoints: ChannelEndpoints = DEFAULT_ENDPOINTS): ParsedChannel | { error: string } {
  if (channel === 'os' || channel === 'toast') return { kind: 'app', channel };
  const tg = TELEGRAM.exec(channel);
  if (tg) {
    const token = tg[1]!;
    const base = httpUrl(endpoints.telegramApi);
    if (!base) return { error: `the Telegram API base ${endpoints.telegramApi} is not an http(s) URL` };
    const url = `${base.href.replace(/\/$/, '')}/bot${token}/sendMessage`;
    return { kind: 'telegram', channel, url, headers: {}, chat: tg[2]!, secrets: [token, token.slice(token.indexOf(':') + 1)] };
  }
  const colon = channel.indexOf(':');
  const kind = channel.slice(0, colon);
  if (kind !== 'webhook' && kind !== 'slack') {
    return { error: `${maskChannel(channel)} is not a channel (os, toast, webhook:URL, slack:URL or telegram:TOKEN/CHAT)` };
  }
  const written = channel.slice(colon + 1);
  const u = httpUrl(written);
  if (!u) return { error: `${maskChannel(channel)}: only http:// and https:// URLs are sent to` };
  if (kind === 'slack' && u.protocol !== 'https:') return { error: `${maskChannel(channel)}: a Slack hook is an https:// URL` };
  const secrets = [written];
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    secrets.push(u.username, u.password, user, pass);
    u.username = '';
    u.password = '';
  }
  for (const value of u.searchParams.values()) secrets.push(value);
  if (kind === 'slack') {
    const key = /[^/]+\/?$/.exec(u.pathname)?.[0];
    if (key) secrets.push(key.replace(/\/$/, ''));
  }
  let url = u.href;
  if (kind === 'slack' && endpoints.slackBase !== null) {
    const base = httpUrl(endpoints.slackBase);
    if (!base) return { error: `the Slack base ${endpoints.slackBase} is not an http(s) URL` };
    url = `${base.origin}${u.pathname}${u.search}`;
  }
  secrets.push(url);
  return { kind, channel, url, headers, chat: null, secrets: secrets.filter((s) => s.length >= 4) };
}

function httpUrl(text: string): URL | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
}

/** `text` with the channel's secrets replaced by `***`: for lastError and log lines. */
export function scrub(text: string, channel: ParsedChannel): string {
  if (channel.kind === 'app') return text;
  let out = text;
  // Longest first, so a URL goes whole rather than leaving pieces around its key.
  for (const s of [...channel.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}
