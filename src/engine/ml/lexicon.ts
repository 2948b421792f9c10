/**
 * Word knowledge the features add to hashed n-grams: a small suffix stripper (stems) and a
 * hand-written lexicon of words that signal a subsystem or a severity in logs of any kind
 * of system. A model that has seen `refused` next to `connection` in nginx lines learns the
 * group `net`, and then reads `Connection refused` from a system it never saw through the
 * same group; hashed n-grams alone learn each system's vocabulary and carry it poorly.
 *
 * The lists are general log vocabulary, written from what systems say, not from the
 * evaluation sets; a word may sit in several groups (the model weighs them). Changing a list
 * changes what models mean: bump FEATURES_VERSION in features.ts.
 */

/**
 * A conservative English suffix stripper: `connected`, `connecting`, `connections` →
 * `connect`; `retries`, `retried` → `retry`; `stopped` → `stop`; `failure` → `fail`.
 * Stems keep at least three letters; words of four or fewer are left alone.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 4 || w === '<*>') return w;
  if (/(ies|ied)$/.test(w)) return w.slice(0, -3) + 'y';
  for (const suffix of ['fully', 'ational', 'ations', 'ation', 'ments', 'ment', 'ness', 'ings', 'ing', 'ions', 'ion', 'ures', 'ure', 'edly', 'ed', 'ful', 'es', 'ly', 's']) {
    if (!w.endsWith(suffix)) continue;
    if (suffix === 's' && /(ss|us|is)$/.test(w)) break;
    if (suffix === 'es' && !/(ss|x|ch|sh|z|ses)es$/.test(w) && /[^aeiou]es$/.test(w)) {
      // `closes`, `caches`: strip only the `s`, the `e` goes below
      w = w.slice(0, -1);
      break;
    }
    if (w.length - suffix.length < 3) break;
    w = w.slice(0, -suffix.length);
    break;
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  // stopped → stopp → stop; keep ll, ss, zz (install, process, buzz)
  if (w.length > 3 && w[w.length - 1] === w[w.length - 2] && !'lsz'.includes(w[w.length - 1]!) && !/[aeiou]/.test(w[w.length - 1]!)) w = w.slice(0, -1);
  return w;
}

/** Lexicon groups, by the words (and short phrases) that signal them. */
const GROUPS: Record<string, string> = {
  // subsystems (TAXONOMY.md)
  sec: 'auth authenticate authentication authenticated unauthenticated authorize authorized unauthorized authorization login logon logout logged password passwd passphrase credential credentials sudo su sudoers permission permissions denied deny forbidden certificate cert certs tls ssl handshake token tokens firewall intrusion attack attacker brute breach selinux apparmor audit kerberos ldap oauth jwt saml pam privilege privileges acl acls ban banned blocked secret secrets encrypt encrypted decrypt signature signed principal realm keytab mfa otp session lockout locked_out invalid_user break_in',
  hw: 'cpu cpus processor core ecc parity temperature thermal overheat fan fans power voltage battery charging charger brightness smart pci pcie usb irq firmware driver drivers bios acpi apic device devices sensor sensors hardware gpu dimm psu chassis bmc ipmi mce machine_check bus controller scsi sata nvme led keyboard mouse display screen wake wakelock suspend hibernate sleep clock microcode hotplug probe probed node_state',
  sto: 'file files filesystem fs directory directories folder block blocks blk disk disks volume volumes mount mounted unmount umount inode ext4 xfs btrfs zfs nfs read write wrote written io i_o replicate replicated replica replicas replication snapshot backup restore quota fsync flush flushed journal chunk chunks object objects bucket upload download raid sector sectors storage stored store datanode namenode dfs hdfs lease segment segments partition compaction',
  db: 'sql query queries database databases db table tables transaction transactions rollback deadlock index indexes schema migration migrations postgres postgresql mysql mariadb mongo mongodb redis cassandra sqlite oracle jdbc odbc orm row rows column columns constraint cursor statement relation tuple vacuum binlog wal keyspace primary_key foreign_key duplicate_key collection',
  net: 'connect connection connected connecting disconnect disconnected reconnect socket sockets port ports tcp udp ip ipv4 ipv6 dns resolve resolved resolver hostname host hosts unreachable route routing proxy packet packets interface link network net peer peers remote address addresses gateway dhcp arp mtu rpc channel endpoint listen listening bind bound reset reachable ping answer reply replied respond responding contact contacting upstream downstream tunnel vpn sent received send recv transport protocol ntp client server bytes nic ethernet wifi wlan subnet netmask broken_pipe connection_reset timed_out no_route',
  res: 'memory heap oom out_of_memory garbage gc thread threads pool limit limits quota load usage exhausted leak allocation allocate allocated capacity cgroup swap headroom vcores cores descriptors ulimit throttle throttled throttling backpressure pressure rss oversubscribed',
  perf: 'slow slower latency took elapsed duration ms throughput rate per_second progress percent speed seconds p99 p95 qps rps statistics stats average avg lag delay delayed backlog waited wait_time time times timing benchmark',
  app: 'exception exceptions error stack traceback assert assertion crash crashed panic segfault null nullpointer invalid unexpected unknown illegal bug cast undefined abort aborted unhandled uncaught raised threw throw failed failure',
  acc: 'get post put delete head patch options http https status request requests response url uri referer agent useragent mozilla curl method',
  life: 'start started starting startup stop stopped stopping shutdown shut restart restarted restarting reload reloaded init initialize initialized initialise initialised initializing register registered registering unregister scheduled scheduling schedule config configuration configured setting set enabled disabled heartbeat leader elect election elected follower state transition transitioned launch launched launching spawn spawned child worker workers process pid exit exited terminate terminated terminating kill killed ready running version boot booted loaded deploy deployed service daemon job jobs task tasks attempt assigned complete completed finished done succeeded commit committed',
  other: 'order orders cart checkout payment purchase product products item items customer click clicked tapped notification notifications view visibility touch button animation ui page player players',
  // severities
  err: 'error errors fail failed failing failure cannot unable refused denied invalid corrupt corrupted broken lost exception reject rejected unreachable missing bad illegal violation mismatch forbidden not_found no_such could_not can_not',
  fatal: 'fatal panic abort aborted aborting unrecoverable emergency critical crash crashed segfault segmentation core_dumped killed halt halted emerg giving_up cannot_continue',
  warn: 'warn warning deprecated retry retrying retried timeout timed_out slow degraded exceeded dropped drop dropping skip skipping skipped ignored ignoring fallback falling_back high low threshold nearly limit throttled backoff expired expire interrupted stale missed lag unable_to_resolve will_retry',
  ok: 'success successful successfully succeeded ok completed complete done ready started established accepted registered found loaded saved stored received served sent finished created listening opened up healthy',
  dbg: 'debug trace enter entering exit leaving called calling invoke invoked value dump state check checking callback param params returned returning',
  neg: 'not no never without none cannot nothing',
};

/** stem (or stem pair `a b` for a phrase) → group names. */
const INDEX = new Map<string, string[]>();
for (const [group, words] of Object.entries(GROUPS)) {
  for (const entry of words.split(/\s+/)) {
    const key = entry.split('_').map(stem).join(' ');
    const groups = INDEX.get(key) ?? [];
    if (!groups.includes(group)) groups.push(group);
    INDEX.set(key, groups);
  }
}

/** The lexicon groups a text's stems hit, each once, in a fixed order. */
export function lexiconGroups(stems: readonly string[]): string[] {
  const hit = new Set<string>();
  for (let i = 0; i < stems.length; i++) {
    for (const g of INDEX.get(stems[i]!) ?? []) hit.add(g);
    if (i > 0) for (const g of INDEX.get(stems[i - 1] + ' ' + stems[i]) ?? []) hit.add(g);
    if (i > 1) for (const g of INDEX.get(stems[i - 2] + ' ' + stems[i - 1] + ' ' + stems[i]) ?? []) hit.add(g);
  }
  return [...hit].sort();
}
