/**
 * The keyword baselines the models are measured against: what a person would write in an
 * afternoon, honestly, with no tuning on the evaluation sets. A regular expression per
 * label, tried in order; the first that matches wins.
 */
import type { Level } from '../../../shared/levels';
import type { Category } from '../labels';

const CATEGORY_RULES: Array<[Category, RegExp]> = [
  // An HTTP request line with a status is an access record whatever else it says.
  ['access', /"(GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS) \S+ HTTP\/[\d.]+" \d{3}/],
  ['security', /\b(auth\w*|login|logout|logged (in|out)|password|passwd|sudo|su|permission|denied|unauthori[sz]ed|forbidden|certificate|tls|ssl|token|firewall|invalid user|session (opened|closed)|credentials?|selinux)\b/i],
  ['hardware', /\b(cpu\d*|temperature|fan|power|smart|pci|usb|irq|interrupts?|firmware|drivers?|bios|acpi|ecc|parity|battery|device)\b/i],
  ['storage', /\b(file|files|filesystem|file system|block|blk_\S*|mount\w*|i\/o|disk|quota|volume|replicat\w*|write|read)\b/i],
  ['database', /\b(sql|query|database|db|transaction|deadlock|table|index|postgres\w*|mysql|mongo\w*|redis)\b/i],
  ['network', /\b(connection|connect\w*|socket|port|dns|host|unreachable|proxy|packets?|tcp|udp|https?|network|interface|address)\b/i],
  ['resource', /\b(memory|heap|oom|gc|garbage|threads?|limit|load)\b/i],
  ['performance', /\b(slow|latency|took|timeout|timed out|throughput|elapsed|duration)\b/i],
  ['application', /\b(exception|error|fail\w*|crash\w*|assert\w*|traceback|panic|stack)\b/i],
  ['lifecycle', /\b(start\w*|stop\w*|shut\w*|restart\w*|init\w*|regist\w*|schedul\w*|config\w*|heartbeat|leader|elect\w*|state)\b/i],
];

export function keywordCategory(text: string): Category {
  for (const [label, re] of CATEGORY_RULES) if (re.test(text)) return label;
  return 'other';
}

const SEVERITY_RULES: Array<[Level, RegExp]> = [
  ['fatal', /\b(fatal|panic|emerg\w*|critical)\b/i],
  ['error', /\b(error|errors|exception|fail\w*|refused|denied|cannot|can't|unable)\b/i],
  ['warn', /\b(warn\w*|timeout|timed out|retry\w*|retrying|deprecated|slow)\b/i],
  ['debug', /\b(debug)\b/i],
];

export function keywordSeverity(text: string): Level {
  for (const [label, re] of SEVERITY_RULES) if (re.test(text)) return label;
  return 'info';
}
