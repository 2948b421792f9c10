/**
 * Seeded, deterministic log generators for the benchmark: the same seed and size give the
 * same bytes on every machine. Four formats:
 *
 *   access  nginx "combined" access log
 *   syslog  RFC 3164 syslog, some lines with <PRI>, most without (as /var/log/syslog)
 *   ndjson  application logs, one JSON object a line
 *   log4j   log4j PatternLayout "%d [%t] %-5p %c - %m%n" with multi-line stack traces
 *
 * Every file carries NEEDLE_COUNT records containing NEEDLE (a rare substring with a known
 * count), spread evenly through the file, and a `.meta.json` beside it with the counts a
 * benchmark can check its answers against (records, lines, status or level counts, how
 * many records contain the common term). Timestamps increase over about three days with a
 * daily rhythm. Output is ASCII only, so characters are bytes.
 *
 * Run: tsx bench/generate.ts [--size 1GiB] [--seed 42] [--formats access,syslog,ndjson,log4j]
 *      [--out bench/data] [--force]
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng, weighted, type Weighted } from './prng';
import { formatSize, parseSize } from './stats';

/** Bump when the output of any generator changes, so cached files are made again. */
export const GENERATOR_VERSION = 1;

export const FORMATS = ['access', 'syslog', 'ndjson', 'log4j'] as const;
export type BenchFormat = (typeof FORMATS)[number];

export const DEFAULT_SEED = 42;
export const DEFAULT_SIZE = 1024 ** 3;

/** The rare substring: exactly NEEDLE_COUNT records of each file contain it. */
export const NEEDLE = 'rare-needle-5f3c9a';
export const NEEDLE_COUNT = 50;

/** A term that many records contain (case-sensitive substring; the count is in the meta). */
export const COMMON_TERM: Record<BenchFormat, string> = {
  access: 'products',
  syslog: 'session',
  ndjson: 'checkout',
  log4j: 'OrderService',
};

export const EXTENSION: Record<BenchFormat, string> = {
  access: 'log',
  syslog: 'log',
  ndjson: 'ndjson',
  log4j: 'log',
};

/** First timestamp of every file: 2024-03-10T00:00:00Z. */
export const START_MS = Date.UTC(2024, 2, 10);
/** Roughly how long a file spans, whatever its size. */
export const SPAN_MS = 3 * 24 * 3600 * 1000;

export interface GenMeta {
  generator: 'logscope-bench';
  version: number;
  format: BenchFormat;
  seed: number;
  /** Requested size; the file stops at the last whole record that fits. */
  targetBytes: number;
  bytes: number;
  lines: number;
  /** Log records: lines, except for log4j where a stack trace belongs to its record. */
  records: number;
  firstTs: string;
  lastTs: string;
  needle: { term: string; count: number };
  common: { term: string; count: number };
  /** Per dimension (status, level, app, ...), how many records have each value. */
  counts: Record<string, Record<string, number>>;
  seconds: number;
}

// ---------------------------------------------------------------------------------------
// Time formatting, cached per second (timestamps only go forward)

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => (n < 10 ? '0' + n : '' + n);
const p3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

function perSecond(format: (d: Date) => string): (ms: number) => string {
  let lastSec = -1;
  let last = '';
  return (ms) => {
    const sec = Math.floor(ms / 1000);
    if (sec !== lastSec) {
      lastSec = sec;
      last = format(new Date(sec * 1000));
    }
    return last;
  };
}

/** 10/Mar/2024:13:04:05 +0000 */
const accessTime = perSecond(
  (d) =>
    `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`,
);
/** Mar 10 13:04:05 (day padded with a space, as syslog does) */
const syslogTime = perSecond(
  (d) =>
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
);
/** 2024-03-10T13:04:05 (add .mmmZ) */
const isoSecond = perSecond((d) => d.toISOString().slice(0, 19));
/** 2024-03-10 13:04:05 (add ,mmm) */
const log4jSecond = perSecond((d) => d.toISOString().slice(0, 19).replace('T', ' '));

const isoTime = (ms: number) => `${isoSecond(ms)}.${p3(Math.floor(ms) % 1000)}Z`;
const log4jTime = (ms: number) => `${log4jSecond(ms)},${p3(Math.floor(ms) % 1000)}`;

// ---------------------------------------------------------------------------------------
// Counting what was written: a record's tallies count only if the record fits the file

class Tally {
  readonly counts: Record<string, Record<string, number>> = {};
  private pending: string[] = [];

  add(dim: string, value: string | number): void {
    this.pending.push(dim, String(value));
  }

  commit(): void {
    const p = this.pending;
    for (let i = 0; i < p.length; i += 2) {
      const dim = (this.counts[p[i]!] ??= {});
      dim[p[i + 1]!] = (dim[p[i + 1]!] ?? 0) + 1;
    }
    p.length = 0;
  }

  discard(): void {
    this.pending.length = 0;
  }
}

/** One record (one or more lines, each ending in \n) at time `ts`. */
type RecordGen = (ts: number, needle: boolean) => string;

interface FormatGen {
  record: RecordGen;
  /** Average record size in bytes, roughly: sets the pace of the clock. */
  avgBytes: number;
}

// ---------------------------------------------------------------------------------------
// Shared vocabularies

const USERS = ['deploy', 'alice', 'bob', 'carol', 'dave', 'erin', 'ops', 'jenkins', 'backup', 'postgres'];
const WORDS = [
  'shoes',
  'jacket',
  'lamp',
  'desk',
  'phone',
  'case',
  'charger',
  'coffee',
  'mug',
  'tent',
  'bike',
  'helmet',
  'laptop',
  'bag',
  'watch',
  'socks',
  'kettle',
  'chair',
  'blue',
  'red',
  'large',
  'small',
  'wireless',
  'organic',
];

function publicIp(r: Rng): string {
  let a = r.range(1, 223);
  if (a === 10 || a === 127 || a === 172 || a === 192) a += 1;
  return `${a}.${r.int(256)}.${r.int(256)}.${r.range(1, 254)}`;
}

// ---------------------------------------------------------------------------------------
// nginx combined access log

function accessGen(r: Rng, tally: Tally): FormatGen {
  const ips = Array.from({ length: 20_000 }, () => publicIp(r));
  const bundleHashes = Array.from({ length: 6 }, () => r.hex(8));
  const cssHashes = Array.from({ length: 4 }, () => r.hex(8));
  const categories = ['shoes', 'outdoor', 'kitchen', 'office', 'electronics', 'garden', 'toys', 'sale'];
  const slugs = Array.from({ length: 300 }, () => `${r.pick(WORDS)}-${r.pick(WORDS)}-${r.range(2015, 2024)}`);
  const agents = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.105 Mobile Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.2277.128',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'curl/8.5.0',
    'python-requests/2.31.0',
    'okhttp/4.12.0',
    'Go-http-client/1.1',
    'kube-probe/1.29',
  ];
  const agentTable = weighted(agents.map((a, i) => [a, [14, 7, 10, 8, 4, 3, 3, 4, 2, 5, 5, 12, 4, 0][i]!] as const));
  const referers = [
    'https://www.example-shop.com/',
    'https://www.google.com/',
    'https://www.bing.com/',
    'https://duckduckgo.com/',
    'https://t.co/',
    'https://www.example-shop.com/cart',
    'https://www.example-shop.com/p/',
  ];
  const methods = weighted([
    ['GET', 80],
    ['POST', 12],
    ['PUT', 3],
    ['DELETE', 2],
    ['HEAD', 2],
    ['PATCH', 1],
  ] as const);
  const statuses = weighted([
    [200, 80],
    [201, 2],
    [204, 1],
    [301, 1.5],
    [302, 2],
    [304, 3],
    [400, 1.2],
    [401, 1],
    [403, 0.6],
    [404, 4],
    [405, 0.1],
    [429, 0.4],
    [499, 0.3],
    [500, 0.8],
    [502, 0.4],
    [503, 0.3],
    [504, 0.2],
  ] as const);
  type Kind = 'api' | 'static' | 'image' | 'page' | 'health' | 'scan';
  const paths: Weighted<[Kind, (r: Rng) => string]> = weighted<[Kind, (r: Rng) => string]>([
    [['api', (r) => `/api/products/${r.int(50_000)}`], 14],
    [['api', (r) => `/api/products?category=${r.pick(categories)}&page=${r.range(1, 40)}`], 6],
    [['image', (r) => `/images/products/${r.int(50_000)}_${r.pick(['thumb', 'medium', 'large'])}.jpg`], 10],
    [['api', (r) => `/api/users/${r.int(2_000_000)}`], 6],
    [['api', (r) => `/api/users/${r.int(2_000_000)}/orders`], 3],
    [['api', (r) => `/api/orders/${r.range(100_000, 9_999_999)}`], 5],
    [['api', () => '/api/cart'], 4],
    [['api', () => '/api/checkout'], 1.5],
    [['api', (r) => `/api/v2/inventory/SKU-${r.hex(8).toUpperCase()}`], 3],
    [['static', (r) => `/static/js/${r.pick(['app', 'vendor', 'runtime'])}.${r.pick(bundleHashes)}.js`], 10],
    [['static', (r) => `/static/css/main.${r.pick(cssHashes)}.css`], 4],
    [['page', () => '/'], 5],
    [['page', () => '/login'], 2],
    [['page', () => '/logout'], 0.5],
    [['page', (r) => `/search?q=${r.pick(WORDS)}+${r.pick(WORDS)}&page=${r.range(1, 10)}`], 4],
    [['page', (r) => `/blog/${r.pick(slugs)}`], 3],
    [['health', () => '/health'], 8],
    [['static', () => '/favicon.ico'], 2],
    [['static', () => '/robots.txt'], 0.3],
    [
      ['scan', (r) => r.pick(['/wp-login.php', '/.env', '/admin/config.php', '/phpmyadmin/index.php', '/.git/config'])],
      0.8,
    ],
  ]);
  const sizeFor = (kind: Kind, status: number): number => {
    if (status === 304 || status === 204 || status === 499) return 0;
    if (status >= 300) return r.range(150, 600);
    switch (kind) {
      case 'static':
        return r.range(2_000, 400_000);
      case 'image':
        return r.range(5_000, 300_000);
      case 'page':
        return r.range(2_000, 40_000);
      case 'health':
        return 2;
      default:
        return r.range(80, 8_000);
    }
  };

  return {
    avgBytes: 184,
    record(ts, needle) {
      const ip = r.pickSkewed(ips);
      const user = r.chance(0.03) ? r.pick(USERS) : '-';
      const drawn = r.draw(paths);
      let kind = drawn[0];
      let path = drawn[1](r);
      let method: string = kind === 'api' ? r.draw(methods) : r.chance(0.98) ? 'GET' : 'HEAD';
      let status: number = r.draw(statuses);
      if (kind === 'health') status = r.chance(0.995) ? 200 : 503;
      if (kind === 'scan') status = r.chance(0.9) ? 404 : 403;
      if (kind === 'static' && status >= 400) status = r.chance(0.5) ? 304 : 200;
      if (needle) {
        kind = 'api';
        path = `/api/${NEEDLE}/${r.int(1000)}`;
        method = 'GET';
        status = 200;
      }
      const size = sizeFor(kind, status);
      const probe = kind === 'health';
      const ref = probe || r.chance(0.6) ? '-' : r.pick(referers) + (r.chance(0.5) ? '' : `${r.int(50_000)}`);
      const ua = probe ? agents[agents.length - 1]! : r.draw(agentTable);
      const proto = r.chance(0.85) ? 'HTTP/1.1' : 'HTTP/2.0';
      tally.add('status', status);
      return `${ip} - ${user} [${accessTime(ts)}] "${method} ${path} ${proto}" ${status} ${size} "${ref}" "${ua}"\n`;
    },
  };
}

// ---------------------------------------------------------------------------------------
// RFC 3164 syslog

type SyslogMsg = [severity: number, facility: number, app: string, pid: number | null, msg: string];

function syslogGen(r: Rng, tally: Tally): FormatGen {
  const hosts = [
    ...Array.from({ length: 8 }, (_, i) => `web${p2(i + 1)}`),
    ...Array.from({ length: 4 }, (_, i) => `worker${p2(i + 1)}`),
    'db01',
    'db02',
    'cache01',
    'lb01',
    'mail01',
  ];
  const ips = Array.from({ length: 5_000 }, () => publicIp(r));
  const internal = Array.from({ length: 50 }, () => `10.0.${r.int(8)}.${r.range(2, 250)}`);
  const pids = new Map<string, number>();
  const pidOf = (app: string) => {
    let p = pids.get(app);
    if (p === undefined || r.chance(0.001)) pids.set(app, (p = r.range(300, 65_000)));
    return p;
  };
  const units = [
    ['apt-daily.service', 'Daily apt download activities'],
    ['logrotate.service', 'Rotate log files'],
    ['man-db.service', 'Daily man-db regeneration'],
    ['certbot.service', 'Certbot'],
    ['fstrim.service', 'Discard unused blocks on filesystems from /etc/fstab'],
    ['sysstat-collect.service', 'system activity accounting tool'],
  ] as const;
  const services = ['nginx', 'app', 'postgresql@15-main', 'redis-server', 'docker', 'node-exporter'];
  const cronCmds = [
    'command -v debian-sa1 > /dev/null && debian-sa1 1 1',
    '   cd / && run-parts --report /etc/cron.hourly',
    '/usr/local/bin/backup.sh --incremental',
    '[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi',
    '/opt/app/bin/cleanup-tmp >/dev/null 2>&1',
  ];
  const badUsers = ['admin', 'test', 'oracle', 'ubuntu', 'guest', 'user', 'ftpuser', 'pi', 'git', 'support'];
  const uptime = (ts: number) => ((ts - START_MS) / 1000 + 86_400 * 12.3).toFixed(6).padStart(12, ' ');
  const port = () => r.range(1024, 65_535);
  const qid = () => r.hex(10).toUpperCase();
  const mac = () => Array.from({ length: 14 }, () => r.hex(2)).join(':');

  // One flat table of message makers: [weight, maker]. Weights are percentages, roughly.
  type Maker = (ts: number) => SyslogMsg;
  const sshd =
    (msg: () => string, fac = 4): Maker =>
    () => [6, fac, 'sshd', pidOf('sshd'), msg()];
  const systemd =
    (sev: number, msg: () => string): Maker =>
    () => [sev, 3, 'systemd', 1, msg()];
  const kernel =
    (sev: number, msg: (ts: number) => string): Maker =>
    (ts) => [sev, 0, 'kernel', null, `[${uptime(ts)}] ${msg(ts)}`];
  const unitDesc = () => r.pick(units)[1];
  const gens = weighted<Maker>([
    // sshd: 15
    [
      sshd(
        () =>
          `Accepted publickey for ${r.pick(USERS)} from ${r.pick(internal)} port ${port()} ssh2: ED25519 SHA256:${r.hex(32)}`,
      ),
      2,
    ],
    [sshd(() => `Failed password for invalid user ${r.pick(badUsers)} from ${r.pick(ips)} port ${port()} ssh2`), 4],
    [sshd(() => `Connection closed by authenticating user root ${r.pick(ips)} port ${port()} [preauth]`), 3],
    [
      sshd(() => {
        const u = r.pick(USERS);
        return `pam_unix(sshd:session): session opened for user ${u}(uid=${1000 + USERS.indexOf(u)}) by (uid=0)`;
      }, 10),
      2,
    ],
    [sshd(() => `pam_unix(sshd:session): session closed for user ${r.pick(USERS)}`, 10), 2],
    [sshd(() => `Received disconnect from ${r.pick(ips)} port ${port()}:11: Bye Bye [preauth]`), 2],
    // cron: 12
    [() => [6, 9, 'CRON', r.range(300, 65_000), `(root) CMD (${r.pick(cronCmds)})`], 7],
    [
      () => [
        6,
        10,
        'CRON',
        r.range(300, 65_000),
        'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
      ],
      5,
    ],
    // systemd: 18
    [systemd(6, () => `Starting ${unitDesc()}...`), 4],
    [systemd(6, () => `${r.pick(units)[0]}: Deactivated successfully.`), 4],
    [systemd(6, () => `Finished ${unitDesc()}.`), 4],
    [systemd(6, () => `Started Session ${r.range(1, 9999)} of User ${r.pick(USERS)}.`), 4],
    [systemd(3, () => `${r.pick(services)}.service: Main process exited, code=exited, status=1/FAILURE`), 0.6],
    [systemd(4, () => `${r.pick(services)}.service: Failed with result 'exit-code'.`), 0.6],
    [
      systemd(6, () => `${r.pick(services)}.service: Scheduled restart job, restart counter is at ${r.range(1, 5)}.`),
      0.6,
    ],
    // kernel: 10
    [
      kernel(
        4,
        () =>
          `[UFW BLOCK] IN=eth0 OUT= MAC=${mac()} SRC=${r.pick(ips)} DST=${r.pick(internal)} LEN=${r.range(40, 1500)} TOS=0x00 PREC=0x00 TTL=${r.range(30, 250)} ID=${r.int(65_536)} PROTO=TCP SPT=${port()} DPT=${r.pick([22, 23, 80, 443, 3389, 5432, 6379, 8080])} WINDOW=${r.range(1024, 65_535)} RES=0x00 SYN URGP=0`,
      ),
      8.5,
    ],
    [kernel(6, () => `EXT4-fs (sda1): re-mounted ${r.hex(8)}-${r.hex(4)}. Quota mode: none.`), 0.6],
    [
      kernel(
        4,
        () => 'TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.',
      ),
      0.6,
    ],
    [
      kernel(
        3,
        () =>
          `Out of memory: Killed process ${r.range(300, 65_000)} (java) total-vm:${r.range(4_000_000, 9_000_000)}kB, anon-rss:${r.range(2_000_000, 4_000_000)}kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:${r.range(5_000, 9_000)}kB oom_score_adj:0`,
      ),
      0.3,
    ],
    // postfix: 9
    [() => [6, 2, 'postfix/smtpd', pidOf('smtpd'), `connect from unknown[${r.pick(ips)}]`], 2.5],
    [
      () => [
        6,
        2,
        'postfix/smtpd',
        pidOf('smtpd'),
        `disconnect from unknown[${r.pick(ips)}] ehlo=1 auth=0/1 quit=1 commands=2/3`,
      ],
      2.5,
    ],
    [
      () => [
        4,
        2,
        'postfix/smtpd',
        pidOf('smtpd'),
        `warning: unknown[${r.pick(ips)}]: SASL LOGIN authentication failed: authentication failure`,
      ],
      1.5,
    ],
    [
      () => [
        6,
        2,
        'postfix/qmgr',
        pidOf('qmgr'),
        `${qid()}: from=<${r.pick(USERS)}@example-shop.com>, size=${r.range(800, 90_000)}, nrcpt=1 (queue active)`,
      ],
      1.3,
    ],
    [
      () => [
        6,
        2,
        'postfix/smtp',
        pidOf('smtp'),
        `${qid()}: to=<${r.pick(WORDS)}.${r.pick(WORDS)}@example.org>, relay=mx.example.org[${r.pick(ips)}]:25, delay=${(r.next() * 3).toFixed(2)}, delays=0.01/0/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 OK)`,
      ],
      1.2,
    ],
    // docker: 7
    [
      (ts) => [
        6,
        3,
        'dockerd',
        pidOf('dockerd'),
        `time="${isoTime(ts)}" level=info msg="ignoring event" container=${r.hex(64)} module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"`,
      ],
      7,
    ],
    // nginx: 4
    [
      () => [
        3,
        3,
        'nginx',
        pidOf('nginx'),
        `[error] ${pidOf('nginx')}#${pidOf('nginx')}: *${r.int(9_000_000)} connect() failed (111: Connection refused) while connecting to upstream, client: ${r.pick(ips)}, server: example-shop.com, request: "GET /api/cart HTTP/1.1", upstream: "http://127.0.0.1:8080/api/cart", host: "www.example-shop.com"`,
      ],
      4,
    ],
    // sudo: 3
    [
      () => [
        5,
        10,
        'sudo',
        null,
        `    ${r.pick(USERS)} : TTY=pts/${r.int(4)} ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart ${r.pick(services)}`,
      ],
      3,
    ],
    // logind: 6
    [() => [6, 4, 'systemd-logind', pidOf('logind'), `New session ${r.range(1, 9999)} of user ${r.pick(USERS)}.`], 3],
    [() => [6, 4, 'systemd-logind', pidOf('logind'), `Removed session ${r.range(1, 9999)}.`], 3],
    // chrony: 2
    [() => [6, 3, 'chronyd', pidOf('chronyd'), `Selected source ${r.pick(internal)} (ntp.ubuntu.com)`], 2],
    // an application: 14
    [
      () => [
        6,
        16,
        'app',
        pidOf('app'),
        `worker ${r.int(16)} processed ${r.range(1, 500)} jobs in ${r.range(5, 3000)}ms queue=${r.pick(['mail', 'billing', 'reports', 'images'])}`,
      ],
      11,
    ],
    [
      () => [
        4,
        16,
        'app',
        pidOf('app'),
        `retrying job ${r.hex(12)} after error: upstream returned 503 (attempt ${r.range(1, 5)})`,
      ],
      3,
    ],
  ]);

  return {
    avgBytes: 132,
    record(ts, needle) {
      let [sev, fac, app, pid, msg] = r.draw(gens)(ts);
      if (needle) [sev, fac, app, pid, msg] = [6, 16, 'app', pidOf('app'), `job ${NEEDLE} finished id=${r.hex(12)}`];
      const host = r.pickSkewed(hosts, 2);
      const pri = r.chance(0.3) ? `<${fac * 8 + sev}>` : '';
      tally.add('app', app);
      tally.add('host', host);
      return `${pri}${syslogTime(ts)} ${host} ${app}${pid === null ? '' : `[${pid}]`}: ${msg}\n`;
    },
  };
}

// ---------------------------------------------------------------------------------------
// NDJSON application logs

function ndjsonGen(r: Rng, tally: Tally): FormatGen {
  const services = weighted([
    ['api', 30],
    ['gateway', 20],
    ['auth', 10],
    ['billing', 8],
    ['search', 12],
    ['worker', 15],
    ['notifications', 5],
  ] as const);
  const levels = weighted([
    ['info', 78],
    ['debug', 10],
    ['warn', 8],
    ['error', 4],
  ] as const);
  const pods = Array.from({ length: 24 }, () => `${r.hex(4)}-${r.hex(5)}`);
  const routes = [
    '/v1/orders',
    '/v1/orders/:id',
    '/v1/cart',
    '/v1/checkout',
    '/v1/users/:id',
    '/v1/search',
    '/v1/products/:id',
  ];
  const jobs = ['send-email', 'render-invoice', 'sync-inventory', 'checkout-reminder', 'reindex', 'purge-sessions'];
  const errors = [
    ['TimeoutError', (s: string) => `request to ${s} timed out after 5000ms`],
    ['ConnectionError', () => 'connect ECONNREFUSED 10.0.3.17:5432'],
    ['CardError', () => `card \\"${r.range(1000, 9999)}\\" declined: insufficient_funds`],
    ['ValidationError', () => `field \\"email\\" is invalid at line ${r.range(1, 40)}`],
  ] as const;
  const trace = () => r.hex(16);

  return {
    avgBytes: 221,
    record(ts, needle) {
      const service = r.draw(services);
      const level: string = r.draw(levels);
      const head = `{"ts":"${isoTime(ts)}","level":"${level}","service":"${service}","host":"${service}-${r.pick(pods)}"`;
      let body: string;
      if (needle) {
        body = `,"msg":"feature flag ${NEEDLE} evaluated","flag_value":${r.chance(0.5)},"trace_id":"${trace()}"`;
      } else if (level === 'error') {
        const [type, message] = r.pick(errors);
        body = `,"msg":"request failed","error":{"type":"${type}","message":"${message(r.pick(['billing', 'inventory', 'search']))}"},"route":"${r.pick(routes)}","retry":${r.int(4)},"trace_id":"${trace()}"`;
      } else if (level === 'warn') {
        body = `,"msg":"slow request","route":"${r.pick(routes)}","latency_ms":${r.range(1000, 9000)},"threshold_ms":1000,"trace_id":"${trace()}"`;
      } else if (level === 'debug') {
        body = `,"msg":"cache ${r.chance(0.7) ? 'hit' : 'miss'}","key":"user:${r.int(2_000_000)}:${r.pick(['profile', 'cart', 'prefs'])}","latency_ms":${r.int(5)}`;
      } else if (service === 'worker') {
        body = `,"msg":"job finished","job":"${r.pick(jobs)}","job_id":"${r.hex(12)}","attempt":${r.range(1, 3)},"duration_ms":${r.range(3, 20_000)},"ctx":{"queue":"default","region":"${r.pick(['eu-west-1', 'us-east-1'])}"}`;
      } else if (r.chance(0.2)) {
        body = `,"msg":"db query","query":"SELECT * FROM orders WHERE user_id = $1 LIMIT 50","rows":${r.int(50)},"latency_ms":${r.int(40)}`;
      } else {
        const status = r.chance(0.93) ? 200 : r.pick([201, 204, 400, 401, 404, 409]);
        body = `,"msg":"request completed","method":"${r.chance(0.75) ? 'GET' : 'POST'}","path":"${r.pick(routes).replace(':id', String(r.int(1_000_000)))}","status":${status},"latency_ms":${Math.round(r.exp(40))},"user_id":${r.int(2_000_000)},"trace_id":"${trace()}"`;
      }
      tally.add('level', level);
      tally.add('service', service);
      return `${head}${body}}\n`;
    },
  };
}

// ---------------------------------------------------------------------------------------
// log4j with stack traces

function log4jGen(r: Rng, tally: Tally, lineCount: { last: number }): FormatGen {
  const threads = [
    'main',
    ...Array.from({ length: 64 }, (_, i) => `http-nio-8080-exec-${i + 1}`),
    ...Array.from({ length: 16 }, (_, i) => `pool-${(i % 4) + 1}-thread-${i + 1}`),
    'scheduling-1',
    'kafka-consumer-0',
    'kafka-consumer-1',
    // Real Hikari names this thread "HikariPool-1 housekeeper"; lnav 0.11.1's java_log takes no
    // space in a thread name, and the benchmark wants every record parsed by both sides.
    'HikariPool-1-housekeeper',
  ];
  const levels = weighted([
    ['INFO', 72],
    ['DEBUG', 15],
    ['WARN', 8],
    ['ERROR', 5],
  ] as const);
  type Msg = (r: Rng) => string;
  const loggers: Array<[string, Msg[]]> = [
    [
      'com.example.shop.order.OrderService',
      [
        (r) =>
          `Order ${r.range(100_000, 9_999_999)} placed by user ${r.int(2_000_000)} total=${(r.next() * 500).toFixed(2)} EUR`,
        (r) =>
          `Order ${r.range(100_000, 9_999_999)} moved to state ${r.pick(['PAID', 'SHIPPED', 'CANCELLED', 'REFUNDED'])}`,
      ],
    ],
    ['com.example.shop.payment.PaymentClient', [(r) => `Charge ${r.hex(24)} authorised in ${r.range(40, 2500)} ms`]],
    [
      'com.example.shop.web.OrderController',
      [
        (r) => `GET /orders/${r.range(100_000, 9_999_999)} -> 200 (${r.range(2, 400)} ms)`,
        (r) => `POST /orders -> 201 (${r.range(20, 900)} ms)`,
      ],
    ],
    [
      'com.example.shop.inventory.InventoryRepository',
      [(r) => `Reserved ${r.range(1, 5)} units of SKU-${r.hex(8).toUpperCase()}`],
    ],
    ['org.springframework.web.servlet.DispatcherServlet', [() => 'Completed initialization in 2 ms']],
    ['org.hibernate.SQL', [() => 'select o1_0.id,o1_0.state,o1_0.total from orders o1_0 where o1_0.id=?']],
    [
      'com.zaxxer.hikari.pool.HikariPool',
      [(r) => `HikariPool-1 - Pool stats (total=20, active=${r.int(20)}, idle=${r.int(20)}, waiting=0)`],
    ],
    [
      'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator',
      [
        (r) =>
          `[Consumer clientId=consumer-orders-1, groupId=orders] Committed offset ${r.int(90_000_000)} for partition orders-${r.int(12)}`,
      ],
    ],
    [
      'com.example.shop.security.JwtFilter',
      [(r) => `Token for subject ${r.int(2_000_000)} expires in ${r.range(1, 3600)} s`],
    ],
    [
      'com.example.shop.scheduler.ReportJob',
      [(r) => `Report ${r.pick(['daily-sales', 'stock', 'returns'])} generated: ${r.range(10, 90_000)} rows`],
    ],
  ];
  const exceptions = [
    ['java.lang.IllegalStateException', (r: Rng) => `Order ${r.range(100_000, 9_999_999)} is not in state PAID`],
    ['org.springframework.dao.DataAccessResourceFailureException', () => 'Unable to acquire JDBC Connection'],
    ['java.net.SocketTimeoutException', () => 'Read timed out'],
    [
      'com.example.shop.payment.PaymentDeclinedException',
      (r: Rng) => `Card declined: ${r.pick(['insufficient_funds', 'expired_card', 'do_not_honor'])}`,
    ],
    [
      'java.lang.NullPointerException',
      () => 'Cannot invoke "com.example.shop.order.Order.getTotal()" because "order" is null',
    ],
  ] as const;
  const causes = [
    [
      'java.sql.SQLTransientConnectionException',
      () => 'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
    ],
    ['java.net.ConnectException', () => 'Connection refused'],
    ['org.postgresql.util.PSQLException', () => 'ERROR: deadlock detected'],
  ] as const;
  const appFrames = [
    'com.example.shop.order.OrderService.placeOrder(OrderService.java:%)',
    'com.example.shop.order.OrderService.transition(OrderService.java:%)',
    'com.example.shop.payment.PaymentClient.charge(PaymentClient.java:%)',
    'com.example.shop.inventory.InventoryRepository.reserve(InventoryRepository.java:%)',
    'com.example.shop.web.OrderController.create(OrderController.java:%)',
  ];
  const frameworkFrames = [
    'jdk.internal.reflect.GeneratedMethodAccessor212.invoke(Unknown Source)',
    'java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)',
    'java.base/java.lang.reflect.Method.invoke(Method.java:568)',
    'org.springframework.aop.support.AopUtils.invokeJoinpointUsingReflection(AopUtils.java:352)',
    'org.springframework.aop.framework.ReflectiveMethodInvocation.invokeJoinpoint(ReflectiveMethodInvocation.java:196)',
    'org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:163)',
    'org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)',
    'org.springframework.aop.framework.JdkDynamicAopProxy.invoke(JdkDynamicAopProxy.java:244)',
    'org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)',
    'org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)',
    'org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1006)',
    'jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)',
    'org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:205)',
    'org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:166)',
    'org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)',
    'org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1744)',
    'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)',
    'org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)',
    'java.base/java.lang.Thread.run(Thread.java:840)',
  ];
  const stack = (): [string, number] => {
    const [ex, exMsg] = r.pick(exceptions);
    let s = `${ex}: ${exMsg(r)}\n`;
    let lines = 1;
    const app = r.range(1, 4);
    for (let i = 0; i < app; i++, lines++) s += `\tat ${r.pick(appFrames).replace('%', String(r.range(20, 400)))}\n`;
    const start = r.int(6);
    for (let i = start; i < frameworkFrames.length; i++, lines++) s += `\tat ${frameworkFrames[i]}\n`;
    if (r.chance(0.5)) {
      const [cause, causeMsg] = r.pick(causes);
      s += `Caused by: ${cause}: ${causeMsg()}\n`;
      lines++;
      const n = r.range(2, 6);
      for (let i = 0; i < n; i++, lines++) s += `\tat ${r.pick(appFrames).replace('%', String(r.range(20, 400)))}\n`;
      s += `\t... ${frameworkFrames.length - start + app} more\n`;
      lines++;
    }
    return [s, lines];
  };

  return {
    avgBytes: 232,
    record(ts, needle) {
      const level: string = needle ? 'INFO' : r.draw(levels);
      const [logger, msgs] = r.pickSkewed(loggers, 1.5);
      let msg = needle ? `Processed batch ${NEEDLE} with ${r.range(1, 500)} items` : r.pick(msgs)(r);
      let trace = '';
      let lines = 1;
      if ((level === 'ERROR' && r.chance(0.7)) || (level === 'WARN' && r.chance(0.1))) {
        msg =
          level === 'ERROR'
            ? `Unhandled exception while processing request ${r.hex(8)}`
            : `Retrying after failure: ${msg}`;
        const [s, n] = stack();
        trace = s;
        lines += n;
      }
      tally.add('level', level);
      lineCount.last = lines;
      return `${log4jTime(ts)} [${r.pick(threads)}] ${level.padEnd(5)} ${logger} - ${msg}\n${trace}`;
    },
  };
}

// ---------------------------------------------------------------------------------------
// The driver

export interface GenerateOptions {
  seed?: number;
  /** Target size in bytes; the output stops at the last whole record that fits. */
  size?: number;
  /** Bytes per write; 8 MiB by default. */
  chunkBytes?: number;
}

/** Rate of records over the day: busiest mid-afternoon, quietest at night. */
function dailyRate(ts: number): number {
  const hour = (ts % 86_400_000) / 3_600_000;
  return 1 + 0.5 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
}

/**
 * Generate `format` into `sink` chunk by chunk (a chunk is only valid during the call:
 * write it or copy it). Deterministic in (format, seed, size,
 * GENERATOR_VERSION): same inputs, same bytes.
 */
export function generate(format: BenchFormat, options: GenerateOptions, sink: (chunk: Buffer) => void): GenMeta {
  const seed = options.seed ?? DEFAULT_SEED;
  const size = options.size ?? DEFAULT_SIZE;
  const chunkBytes = options.chunkBytes ?? 8 * 1024 * 1024;
  const started = performance.now();
  const r = new Rng(`${seed}:${format}:v${GENERATOR_VERSION}`);
  const tally = new Tally();
  const lineCount = { last: 1 };
  const gen =
    format === 'access'
      ? accessGen(r, tally)
      : format === 'syslog'
        ? syslogGen(r, tally)
        : format === 'ndjson'
          ? ndjsonGen(r, tally)
          : log4jGen(r, tally, lineCount);
  const common = COMMON_TERM[format];
  // The mean gap between records that makes the file span about SPAN_MS (dailyRate
  // averages 1 over a day, so it shifts records in time without changing their number).
  const meanGap = (SPAN_MS * gen.avgBytes) / size;

  let ts = START_MS;
  let bytes = 0;
  let lines = 0;
  let records = 0;
  let needles = 0;
  let commons = 0;
  let firstTs = NaN;
  // Records are written straight into one reused buffer (no big strings to build and
  // collect); the sink must use or copy a chunk before it returns.
  const out = Buffer.allocUnsafe(chunkBytes + 1024 * 1024);
  let used = 0;
  let nextNeedleAt = size / (NEEDLE_COUNT + 1);
  for (;;) {
    ts += r.exp(meanGap) / dailyRate(ts);
    const needle = needles < NEEDLE_COUNT && bytes >= nextNeedleAt;
    lineCount.last = 1;
    const text = gen.record(ts, needle);
    if (bytes + text.length > size) {
      tally.discard();
      break;
    }
    tally.commit();
    if (needle) {
      needles++;
      nextNeedleAt = (size * (needles + 1)) / (NEEDLE_COUNT + 1);
    }
    if (text.includes(common)) commons++;
    if (Number.isNaN(firstTs)) firstTs = ts;
    bytes += text.length;
    lines += lineCount.last;
    records++;
    if (used + text.length > out.length) {
      sink(out.subarray(0, used));
      used = 0;
    }
    used += out.write(text, used, 'latin1');
    if (used >= chunkBytes) {
      sink(out.subarray(0, used));
      used = 0;
    }
  }
  if (used > 0) sink(out.subarray(0, used));
  return {
    generator: 'logscope-bench',
    version: GENERATOR_VERSION,
    format,
    seed,
    targetBytes: size,
    bytes,
    lines,
    records,
    firstTs: new Date(Number.isNaN(firstTs) ? START_MS : Math.floor(firstTs)).toISOString(),
    lastTs: new Date(Math.floor(ts)).toISOString(),
    needle: { term: NEEDLE, count: needles },
    common: { term: common, count: commons },
    counts: tally.counts,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------------------
// Files and the cache

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DATA_DIR = join(BENCH_DIR, 'data');

export function fileName(format: BenchFormat, size: number, seed: number): string {
  return `${format}-${formatSize(size)}-s${seed}.${EXTENSION[format]}`;
}

export interface GeneratedFile {
  format: BenchFormat;
  path: string;
  meta: GenMeta;
  /** True when an existing file with a matching meta was reused. */
  cached: boolean;
}

export function readMeta(path: string): GenMeta | null {
  try {
    return JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')) as GenMeta;
  } catch {
    return null;
  }
}

/** Generate the file unless one with the same format, seed, size and version is there. */
export function ensureGenerated(
  format: BenchFormat,
  options: { size?: number; seed?: number; dir?: string; force?: boolean } = {},
): GeneratedFile {
  const size = options.size ?? DEFAULT_SIZE;
  const seed = options.seed ?? DEFAULT_SEED;
  const dir = options.dir ?? DATA_DIR;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName(format, size, seed));
  const old = readMeta(path);
  if (
    !options.force &&
    old &&
    old.version === GENERATOR_VERSION &&
    old.format === format &&
    old.seed === seed &&
    old.targetBytes === size &&
    existsSync(path) &&
    statSync(path).size === old.bytes
  ) {
    return { format, path, meta: old, cached: true };
  }
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let meta: GenMeta;
  try {
    meta = generate(format, { size, seed }, (chunk) => {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off);
    });
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  writeFileSync(`${path}.meta.json`, JSON.stringify(meta, null, 2) + '\n');
  return { format, path, meta, cached: false };
}

// ---------------------------------------------------------------------------------------
// CLI

function main(argv: string[]): void {
  let size = DEFAULT_SIZE;
  let seed = DEFAULT_SEED;
  let formats: BenchFormat[] = [...FORMATS];
  let dir = DATA_DIR;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--size') size = parseSize(val());
    else if (a === '--quick') size = 64 * 1024 ** 2;
    else if (a === '--seed') seed = Number(val());
    else if (a === '--formats') formats = val().split(',') as BenchFormat[];
    else if (a === '--out') dir = resolve(val());
    else if (a === '--force') force = true;
    else throw new Error(`unknown option ${a}`);
  }
  for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`unknown format ${f} (use ${FORMATS.join(', ')})`);
  for (const format of formats) {
    const g = ensureGenerated(format, { size, seed, dir, force });
    const m = g.meta;
    const rate = g.cached ? 'cached' : `${m.seconds.toFixed(1)} s, ${(m.bytes / 1e6 / m.seconds).toFixed(0)} MB/s`;
    console.log(
      `${g.path}: ${m.bytes} bytes, ${m.lines} lines, ${m.records} records, ${m.firstTs} .. ${m.lastTs}, ` +
        `"${m.needle.term}" ×${m.needle.count}, "${m.common.term}" ×${m.common.count} (${rate})`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
