/**
 * The request each outgoing channel gets for a message: Slack's incoming-webhook JSON
 * (text + blocks), Telegram's sendMessage (HTML text), and the generic webhook body (the
 * rule's payload template, or the alerts as JSON).
 */
import type { Alert } from '../../../shared/alerts';
import { alertName, bodyLines, conditionText, MAX_LISTED, titleText, total, type Item, type Message } from './message';
import { renderTemplate, type TemplateValue } from './template';

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Where "open in LogScope" links go: the Alerts view of the UI, when it has an address. */
export function alertsLink(uiUrl: string | null): string | null {
  if (!uiUrl) return null;
  return `${uiUrl.replace(/#.*$/, '').replace(/\/?$/, '/')}#/alerts`;
}

// Slack: mrkdwn treats &, < and > as markup (links, mentions); everything else is text.
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackBody(m: Message, url: string | null): unknown {
  const title = titleText(m);
  const lines = m.test
    ? bodyLines(m, 0).map(slackEscape)
    : m.items.slice(0, MAX_LISTED).map((it) => `${it.state === 'firing' ? ':red_circle:' : ':white_check_mark:'} *${slackEscape(alertName(it.alert))}*: ${slackEscape(conditionText(it))}`);
  const rest = total(m) - Math.min(MAX_LISTED, m.items.length);
  const context: string[] = [];
  if (rest > 0) context.push(`and ${rest.toLocaleString('en-US')} more`);
  if (m.held > 0) context.push(`${m.held.toLocaleString('en-US')} notification${m.held === 1 ? '' : 's'} held back by the rate limit`);
  if (url) context.push(`<${url}|Open in LogScope>`);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), 3000) } },
  ];
  if (context.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(context.join(' · '), 3000) }] });
  // `text` is the fallback shown in Slack's own notifications, and it is mrkdwn: <!channel> would ping everyone.
  return { text: cut(slackEscape(title), 3000), blocks };
}

const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Telegram Bot API sendMessage: HTML, which needs only &, <, > (and " in attributes) escaped. */
export function telegramBody(m: Message, chat: string, url: string | null): unknown {
  const icon = m.test ? '' : m.items[0]?.state === 'resolved' ? '✅ ' : '🔴 ';
  const lines = [`${icon}<b>${htmlEscape(titleText(m))}</b>`, ...bodyLines(m, MAX_LISTED).map(htmlEscape)];
  if (url) lines.push(`<a href="${htmlEscape(url)}">Open in LogScope</a>`);
  // 4096 is the API's limit; cutting inside a tag would be refused, so cut lines instead.
  let text = '';
  for (const line of lines) {
    if (text.length + line.length + 1 > 4000) break;
    text += (text ? '\n' : '') + line;
  }
  return { chat_id: chat, text, parse_mode: 'HTML', disable_web_page_preview: true };
}

function alertJson(it: Item): Record<string, TemplateValue> {
  const a: Alert = it.alert;
  return {
    id: a.id, ruleId: a.ruleId, rule: a.rule, kind: a.kind, state: it.state, group: a.group, value: Number.isFinite(a.value) ? a.value : String(a.value),
    peak: Number.isFinite(a.peak) ? a.peak : String(a.peak), condition: conditionText(it), query: a.query,
    startedAt: iso(a.startedAt), firedAt: iso(a.firedAt), resolvedAt: iso(a.resolvedAt), from: iso(a.from), to: iso(a.to),
    acknowledged: a.acknowledged, description: it.rule.description ?? null,
  };
}

/**
 * The generic webhook's body. Without a template: `{status, title, text, alerts, more, url,
 * held, test}`, like Alertmanager's webhook. With one, its placeholders describe the
 * message's first alert, plus {{title}}, {{text}}, {{count}}, {{more}} and {{alerts}}.
 */
export function webhookBody(m: Message, url: string | null, template: string | undefined): string {
  const alerts = m.items.slice(0, MAX_LISTED).map(alertJson);
  const lead = m.items[0];
  const status = lead?.state ?? 'firing';
  const text = bodyLines(m, MAX_LISTED).join('\n');
  const more = total(m) - alerts.length;
  if (template === undefined) {
    return JSON.stringify({ version: 1, source: 'logscope', status, title: titleText(m), text, alerts, more, url, held: m.held, test: m.test });
  }
  const values: Record<string, TemplateValue> = lead
    ? { ...alertJson(lead) }
    : { rule: 'LogScope test', state: 'test', value: 0, peak: 0, group: {}, query: '', startedAt: null, firedAt: null, resolvedAt: null, id: '', ruleId: '', kind: '', condition: '', description: null };
  Object.assign(values, { url, title: titleText(m), text, count: total(m), more, alerts });
  return renderTemplate(template, values);
}
