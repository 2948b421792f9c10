/**
 * The online template miner: every message gets a template id, the template text (values
 * written `<*>`) and its parameters, as it is ingested. One configuration for every source.
 *
 * Two levels. A *shape* is a fixed-length token sequence, constants and wildcards; a
 * *pattern* — what the outside world sees, with the id — is one or more shapes that have
 * the same constant words in the same order (layout.ts), so a message with an optional
 * value run (`bytes sent`, `bytes (1.2 KB) sent`) or a list of values of varying length
 * is still one pattern.
 *
 * How a message is placed:
 * 1. Masks (mask.ts, tokenize.ts) turn what can be recognised by its form into `<*>`.
 * 2. It joins the shape whose constants it equals; an exact-shape cache answers most lines.
 * 3. Otherwise it makes a new shape. A word that differs is not taken for a variable on
 *    sight — "session opened"/"session closed", "HTTPS"/"SOCKS5" are different events —
 *    so a new shape that differs from an existing one at exactly one position joins that
 *    shape's sibling group for the position; when a group holds `evidence` shapes (that
 *    many distinct words seen there) the position is a variable, the siblings merge into
 *    the oldest, and its pattern generalises. Tokens that are values though no mask named
 *    them (a word with digits, or values of two different shapes) generalise at once.
 * 4. A new shape whose words equal an existing pattern's joins that pattern.
 * 5. Nothing generalises below a quarter of its tokens as constants, and shapes share a
 *    pattern only on two or more words, so no stream ever collapses into one pattern.
 *
 * Ids are stable: when patterns merge, the older id survives and `onChange` reports
 * `merged` (rows of `from` now belong to `into`, which is live) so stored rows can follow;
 * `generalised` reports a new text for an id; `evicted` an id that will not come back.
 *
 * Bounds: shapes are capped (`maxTemplates`; the least recently seen tenth is evicted when
 * the cap is passed), so patterns are too; tokens per line are capped (the rest of the
 * line is one value); tokens are capped in length (mask.ts); the shape cache is capped.
 */
import { KEEP, RAW, isKeyAt, keyIndex, keyOf, keyPositions, layout, textOf, type Op } from './layout';
import { VAR } from './mask';
import { minerStateSchema, type MinerState } from './state';
import { ANY, WILD, accepts, generalised, isWild, isWordWild, wildTrim } from './wildcard';
import { Scan } from './tokenize';

export interface MinerOptions {
  /** Shapes kept at most (so patterns too); beyond it the least recently seen are evicted. Default 5000. */
  maxTemplates?: number;
  /** Tokens read per message; the rest of a longer one is a single value. Default 120. */
  maxTokens?: number;
  /** Distinct words seen at one position of otherwise equal shapes that make it a variable. Default 4. */
  evidence?: number;
  /** Message shapes remembered for the fast path (rounded up to a power of two). Default 32768. */
  cacheSize?: number;
  onChange?: (change: TemplateChange) => void;
}

export interface AddResult {
  id: number;
  /** Template text: values written `<*>`, tokens joined by one space. */
  template: string;
  /** The values in order: filling the template's `<*>` with them gives the message's tokens. */
  params: string[];
  /** This message started a new template. */
  isNew: boolean;
}

export type TemplateChange =
  | { kind: 'generalised'; id: number; template: string }
  | { kind: 'merged'; from: number; into: number; template: string }
  | { kind: 'evicted'; id: number };

export interface TemplateInfo {
  id: number;
  template: string;
  count: number;
}

export interface MinerStats {
  lines: number;
  /** Live templates (patterns), each with its id. */
  templates: number;
  /** Fixed-length shapes behind them: what maxTemplates caps. */
  shapes: number;
  /** The cap on shapes (maxTemplates): templates and shapes never exceed it. */
  cap: number;
  /** Shapes dropped by the cap. */
  evicted: number;
  /** Templates merged into another. */
  merged: number;
  /** Times a template took a new variable position. */
  generalised: number;
  /** Messages cut at maxTokens. */
  truncated: number;
  /** Approximate bytes held: shapes, patterns, sibling groups, the shape cache and the scan's buffers. */
  memoryBytes: number;
}

interface Shape {
  /** Internal number, for saved state. */
  key: number;
  tokens: string[];
  count: number;
  lastSeen: number;
  /** Positions that are neither wildcards nor pure values, and positions that are pure values (`<*>`). */
  constants: number;
  values: number;
  dead: boolean;
  /** Where an absorbed shape's lines went: the cache follows it. */
  next: Shape | null;
  /** Its keys in the first- and last-token indexes. */
  firstKey: string;
  lastKey: string;
  /** Stamp of the last candidate search that saw it, so a search visits it once. */
  seen: number;
  pattern: Pattern;
  /** How to read parameters in the pattern's text order; null when the text is this shape's own. */
  plan: Op[] | null;
}

interface Pattern {
  id: number;
  count: number;
  members: Shape[];
  text: string;
  /** Its key in byKey, when registered; its key tokens and their number. */
  key: string | null;
  keyTokens: string[];
  dead: boolean;
  /** Sibling groups it belongs to, by key index. */
  groups: Map<number, Group> | null;
  /** Stamp of the last candidate search that saw it. */
  seen: number;
}

/** Patterns whose keys are equal but at one index: the evidence that the index varies. */
interface Group {
  index: number;
  members: Pattern[];
  /** Merging was refused (too few constants would remain): do not try again. */
  blocked: boolean;
}

const DEFAULTS = { maxTemplates: 5000, maxTokens: 120, evidence: 4, cacheSize: 32768 };

export class TemplateMiner {
  onChange: ((change: TemplateChange) => void) | undefined;
  private readonly opts: typeof DEFAULTS;
  private readonly patterns = new Map<number, Pattern>();
  private readonly shapes = new Set<Shape>();
  /** Shapes by token count: where near misses are looked for. */
  private readonly byLength = new Map<number, Shape[]>();
  /**
   * Shapes by token count and first token, and by token count and last token (a wildcard
   * under ANY): where a line looks for its match (first) and for near misses (both — a
   * shape that differs from it in one position shares its first or its last token).
   */
  private readonly byFirst = new Index<Shape>();
  private readonly byLast = new Index<Shape>();
  /** Patterns by their key tokens. */
  private readonly byKey = new Map<string, Pattern>();
  /** The same patterns by key count and first key token, and by key count and last (WILD for a wildcard). */
  private readonly keyFirst = new Index<Pattern>();
  private readonly keyLast = new Index<Pattern>();
  /** Stamp for candidate searches. */
  private search = 0;
  /** Hash of a masked message → its shape: the fast path. */
  private readonly cache: ShapeCache;
  /** The message being placed. */
  private readonly scan = new Scan();
  private nextId = 1;
  private nextShape = 1;
  private clock = 0;
  private counters = { evicted: 0, merged: 0, generalised: 0, truncated: 0 };
  /** Texts before the current change, to report each changed pattern once. */
  private pendingText = new Map<Pattern, string>();
  private pendingMerges: { from: number; into: Pattern }[] = [];
  /** Where merged patterns went during the current change. */
  private readonly survivorOf = new Map<Pattern, Pattern>();
  /** Shapes changed during the current change, still to settle. */
  private queue: Shape[] = [];
  /** The pattern the current message created, if it did. */
  private created: Pattern | null = null;

  constructor(opts: MinerOptions = {}) {
    this.opts = {
      maxTemplates: Math.max(16, opts.maxTemplates ?? DEFAULTS.maxTemplates),
      maxTokens: Math.max(2, opts.maxTokens ?? DEFAULTS.maxTokens),
      evidence: Math.max(2, opts.evidence ?? DEFAULTS.evidence),
      cacheSize: Math.max(0, opts.cacheSize ?? DEFAULTS.cacheSize),
    };
    this.onChange = opts.onChange;
    this.cache = new ShapeCache(this.opts.cacheSize);
  }

  add(message: string): AddResult {
    this.clock++;
    const scan = this.scan;
    scan.scan(message, this.opts.maxTokens);
    if (scan.truncated) this.counters.truncated++;
    // The same masked text has the same shape: a 64-bit hash of it finds the shape
    // without a string being made. The shape it led to may since have been absorbed
    // (follow it) or evicted (look again).
    let s = this.cache.get(scan.h1, scan.h2, scan.n);
    if (s?.dead) s = liveShape(s);
    if (!s || s.dead) {
      const masked = scan.maskedTokens();
      s = this.findMatch(masked);
      if (!s) {
        this.created = null;
        s = this.create(masked);
      }
      this.cache.set(scan.h1, scan.h2, scan.n, s);
    }
    const p = s.pattern;
    s.count++;
    s.lastSeen = this.clock;
    p.count++;
    const isNew = this.created !== null && this.created === p;
    this.created = null;
    const result = {
      id: p.id,
      template: p.text,
      params: s.plan ? planParams(s.plan, scan) : ownParams(s, scan),
      isNew,
    };
    if (this.shapes.size > this.opts.maxTemplates) this.evict();
    return result;
  }

  get(id: number): TemplateInfo | undefined {
    const p = this.patterns.get(id);
    return p ? { id: p.id, template: p.text, count: p.count } : undefined;
  }

  templates(): TemplateInfo[] {
    return [...this.patterns.values()].map((p) => ({ id: p.id, template: p.text, count: p.count }));
  }

  stats(): MinerStats {
    let memory = 0;
    const groups = new Set<Group>();
    for (const s of this.shapes) {
      memory += 160 + s.tokens.length * 8;
      for (const t of s.tokens) memory += 16 + t.length * 2;
      if (s.plan) memory += s.plan.length * 40;
    }
    for (const p of this.patterns.values()) {
      memory += 128 + p.members.length * 8 + p.text.length * 2 + (p.key?.length ?? 0) * 2 + p.keyTokens.length * 8;
      if (p.groups) for (const g of p.groups.values()) groups.add(g);
    }
    for (const g of groups) memory += 64 + g.members.length * 8;
    memory += this.cache.bytes() + this.scan.bytesHeld();
    return {
      lines: this.clock,
      templates: this.patterns.size,
      shapes: this.shapes.size,
      cap: this.opts.maxTemplates,
      ...this.counters,
      memoryBytes: memory,
    };
  }

  // ---- placing a message ----------------------------------------------------------

  /** The most specific shape whose constants the message equals. */
  private findMatch(masked: string[]): Shape | undefined {
    const n = masked.length;
    let best: Shape | undefined;
    for (const key of [bucketKey(n, masked[0] ?? ANY), bucketKey(n, ANY)]) {
      const list = this.byFirst.get(key);
      if (!list) continue;
      for (const s of list) {
        if ((!best || s.constants > best.constants) && matches(s.tokens, masked)) best = s;
      }
    }
    return best;
  }

  private create(masked: string[]): Shape {
    const n = masked.length;
    const near: { s: Shape; pos: number }[] = [];
    for (const s of this.shapeCandidates(n, masked[0] ?? ANY, masked[n - 1] ?? ANY)) {
      const pos = oneMismatch(s.tokens, masked);
      if (pos >= 0) near.push({ s, pos });
    }
    // A value no mask named (a word with digits, or values of two shapes): generalise now.
    for (const { s, pos } of near) {
      if (valueLike(s.tokens[pos]!) && valueLike(masked[pos]!) && this.generalise(s, pos, [masked[pos]!]))
        return liveShape(s);
    }
    const tokens = masked.slice();
    // The nearest shape's variables vary in this family too.
    const first = near[0];
    if (first) {
      for (let i = 0; i < n; i++) {
        const t = first.s.tokens[i]!;
        if (isWild(t) && accepts(t, masked[i]!)) tokens[i] = t;
      }
    }
    const shape = this.newShape(this.nextShape++, tokens, 0, this.clock);
    this.attach(shape, null);
    return liveShape(shape);
  }

  /**
   * Puts a new shape into the pattern with its key — equal, or with word wildcards where
   * the shape has words — or into a new pattern (with id `id` when restoring), which then
   * joins the sibling groups of the patterns whose keys differ from it at one index.
   */
  private attach(shape: Shape, id: number | null): void {
    const { key, keys, words } = keyOf(shape.tokens);
    const keyed = sharesKey(keys, words, shape.tokens.length);
    if (keyed && id === null) {
      let existing = this.byKey.get(key);
      if (!existing) {
        const mine = keyTokens(shape.tokens);
        for (const p of this.patternCandidates(mine, false)) {
          if (!keyCovers(p.keyTokens, mine)) continue;
          // The shape takes the pattern's word wildcards — unless that changes which of its
          // tokens are keys (a wildcard beside an equal token holding a variable is not
          // one), when its key tokens would no longer line up with the pattern's.
          const positions = keyPositions(shape.tokens);
          const taken = shape.tokens.slice();
          p.keyTokens.forEach((t, k) => {
            if (isWordWild(t) && t !== mine[k]) taken[positions[k]!] = t;
          });
          if (keyPositions(taken).length !== p.keyTokens.length) continue;
          p.keyTokens.forEach((t, k) => {
            if (isWordWild(t) && t !== mine[k]) this.setToken(shape, positions[k]!, t);
          });
          existing = p;
          break;
        }
      }
      if (existing) {
        this.note(existing);
        shape.pattern = existing;
        existing.members.push(shape);
        this.relayout(existing);
        this.flush();
        return;
      }
    }
    const p: Pattern = {
      id: id ?? this.nextId++,
      count: 0,
      members: [shape],
      text: '',
      key: null,
      keyTokens: [],
      dead: false,
      groups: null,
      seen: 0,
    };
    shape.pattern = p;
    this.patterns.set(p.id, p);
    this.relayout(p);
    if (id === null) this.created = p;
    if (!keyed) return;
    this.register(p, key);
    if (id !== null) return;
    const near: { q: Pattern; index: number }[] = [];
    for (const q of this.patternCandidates(p.keyTokens, true)) {
      if (q === p) continue;
      const index = keyMismatch(q.keyTokens, p.keyTokens);
      if (index >= 0) near.push({ q, index });
    }
    for (const { q, index } of near) {
      const group = q.groups?.get(index) ?? newGroup(q, index);
      if (p.groups?.get(index) === group) continue;
      group.members.push(p);
      (p.groups ??= new Map()).set(index, group);
      if (!group.blocked && group.members.length >= this.evidenceFor(group)) this.mergeGroup(group);
      if (p.dead) return;
    }
  }

  /**
   * Distinct values a position needs before it is a variable: `evidence`, or two when
   * every value names a thing by a dotted or slashed path (com.example.app/.MainActivity,
   * android.intent.action.TIME_TICK) — those are identifiers, not words of the message.
   */
  private evidenceFor(group: Group): number {
    const qualified = group.members.every((p) => isQualified(p.keyTokens[group.index] ?? ''));
    return qualified ? Math.min(2, this.opts.evidence) : this.opts.evidence;
  }

  /** The siblings become one: the oldest takes a word wildcard at the group's index and covers the rest. */
  private mergeGroup(group: Group): void {
    const members = group.members.filter((m) => !m.dead);
    let survivor = members[0]!;
    for (const m of members) if (m.id < survivor.id) survivor = m;
    const shape = survivor.members[0]!;
    const pos = keyPositions(shape.tokens)[group.index]!;
    const seen = members.map((m) => m.keyTokens[group.index]!);
    if (!this.generalise(shape, pos, seen)) group.blocked = true;
  }

  // ---- generalising and merging ---------------------------------------------------

  /**
   * Position `pos` of `s` becomes a wildcard. A key token becomes one in every shape of
   * the pattern (it is the same slot of the same event); a pure value only in `s`. Then
   * every shape the changed ones now cover is absorbed, and patterns whose keys became
   * equal or covered merge. Refused (false) when too few constants would remain.
   */
  private generalise(s: Shape, pos: number, seen: string[]): boolean {
    const trial = s.tokens.slice();
    trial[pos] = ANY;
    if (countConstants(trial) < minConstants(trial.length)) return false;
    this.note(s.pattern);
    if (isKeyAt(s.tokens, pos)) {
      this.dropKeys(s.pattern, [keyIndex(s.tokens, pos)], [generalised([s.tokens[pos]!, ...seen], true)]);
    } else this.setToken(s, pos, generalised([s.tokens[pos]!, ...seen], false));
    this.counters.generalised++;
    this.settle();
    this.flush();
    return true;
  }

  /** Sets key tokens (by index among the key tokens) to the given word wildcards in every shape of p. */
  private dropKeys(p: Pattern, indexes: number[], wildcards: string[]): void {
    for (const m of p.members) {
      const positions = keyPositions(m.tokens);
      indexes.forEach((k, i) => this.setToken(m, positions[k]!, wildcards[i]!));
    }
  }

  /**
   * After shapes changed (they are in the queue): patterns re-keyed (merging with equal
   * or covered keys), covered shapes absorbed, touched patterns laid out again. A covered
   * shape of another pattern brings its pattern along when dropping the keys `c` has
   * wildcards for makes the two keys equal; otherwise only the shape moves, and its
   * pattern goes on with its other shapes.
   */
  private settle(): void {
    while (this.queue.length) {
      const c = this.queue.pop()!;
      if (c.dead) continue;
      this.rekey(c.pattern);
      if (c.dead) continue;
      for (const other of this.coveredCandidates(c.tokens)) {
        if (other === c || other.dead || c.dead || !covers(c.tokens, other.tokens)) continue;
        const theirs = other.pattern;
        if (theirs !== c.pattern) {
          this.note(theirs);
          const drop = keysToDrop(c.tokens, other.tokens);
          if (drop) {
            this.dropKeys(
              theirs,
              drop.map((d) => d[0]),
              drop.map((d) => d[1]),
            );
            this.mergePatterns(c.pattern, theirs);
          }
        }
        this.absorb(other, c);
        // Its last shape moved: the pattern's rows are c's pattern's now.
        if (!theirs.dead && theirs.members.length === 0) this.mergePatterns(c.pattern, theirs);
        this.rekey(c.pattern);
      }
    }
    for (const p of this.pendingText.keys()) if (!p.dead) this.relayout(p);
  }

  /**
   * Registers p under its current key, merging it with the pattern of that key and with
   * the patterns its word wildcards cover (they take the wildcards). Returns the survivor.
   */
  private rekey(p: Pattern): Pattern {
    while (p.dead) {
      const next = this.survivorOf.get(p);
      if (!next) return p;
      p = next;
    }
    const first = p.members[0];
    if (!first) return p;
    const { key, keys, words } = keyOf(first.tokens);
    if (p.key === key) return p;
    this.unregister(p);
    leaveGroups(p);
    if (!sharesKey(keys, words, first.tokens.length)) return p;
    const other = this.byKey.get(key);
    let keep = other && other !== p ? this.mergePatterns(p, other) : p;
    if (keep.key !== key) {
      this.unregister(keep);
      this.register(keep, key);
    }
    if (keep.keyTokens.some(isWordWild)) {
      for (const q of this.coveredPatterns(keep.keyTokens)) {
        if (q === keep || q.dead || !keyCovers(keep.keyTokens, q.keyTokens)) continue;
        this.note(q);
        const indexes = keep.keyTokens.flatMap((t, k) => (isWordWild(t) && q.keyTokens[k] !== t ? [k] : []));
        this.dropKeys(
          q,
          indexes,
          indexes.map((k) => keep.keyTokens[k]!),
        );
        keep = this.mergePatterns(keep, q);
        if (keep.key !== key) {
          this.unregister(keep);
          this.register(keep, key);
        }
      }
    }
    return keep;
  }

  private register(p: Pattern, key: string): void {
    p.key = key;
    p.keyTokens = keyTokens(p.members[0]!.tokens);
    this.byKey.set(key, p);
    this.keyFirst.add(keyIndexKey(p.keyTokens, 0), p);
    this.keyLast.add(keyIndexKey(p.keyTokens, p.keyTokens.length - 1), p);
  }

  private unregister(p: Pattern): void {
    if (p.key === null) return;
    if (this.byKey.get(p.key) === p) this.byKey.delete(p.key);
    this.keyFirst.remove(keyIndexKey(p.keyTokens, 0), p);
    this.keyLast.remove(keyIndexKey(p.keyTokens, p.keyTokens.length - 1), p);
    p.key = null;
  }

  /** The older pattern takes the younger's shapes and count; the younger's id is reported merged. */
  private mergePatterns(a: Pattern, b: Pattern): Pattern {
    if (a === b) return a;
    const [keep, gone] = a.id < b.id ? [a, b] : [b, a];
    this.note(keep);
    for (const m of gone.members) {
      m.pattern = keep;
      keep.members.push(m);
    }
    gone.members = [];
    keep.count += gone.count;
    gone.dead = true;
    this.patterns.delete(gone.id);
    // The caller registers the survivor under the key they now share (rekey).
    this.unregister(gone);
    leaveGroups(gone);
    this.survivorOf.set(gone, keep);
    this.counters.merged++;
    this.pendingMerges.push({ from: gone.id, into: keep });
    if (this.created === gone) this.created = keep.id > gone.id ? keep : null;
    return keep;
  }

  /** `from`'s lines are `into`'s from now on (`into` covers `from`). */
  private absorb(from: Shape, into: Shape): void {
    into.count += from.count;
    into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
    this.removeShape(from);
    from.next = into;
  }

  private relayout(p: Pattern): void {
    if (p.members.length === 1) {
      const only = p.members[0]!;
      p.text = textOf(only.tokens);
      // A plan only where a word wildcard keeps text around its value (the raw token is trimmed).
      only.plan = only.tokens.some((t) => wildTrim(t)[0] + wildTrim(t)[1] > 0) ? layout([only.tokens]).plans[0]! : null;
      return;
    }
    const keys = p.members.map((m) => keyPositions(m.tokens).length);
    if (keys.some((k) => k !== keys[0])) return this.splitMisaligned(p, keys);
    const { text, plans } = layout(p.members.map((m) => m.tokens));
    p.members.forEach((m, i) => (m.plan = plans[i]!));
    p.text = text;
  }

  /**
   * Shapes whose key tokens no longer line up with the pattern's first shape leave it for
   * a pattern of their own key. A wildcard set beside a list of equal values changes
   * whether the next token is a key (`id=<*> id=<*>`: the second is a list element until
   * the first is generalised), so one shape of a pattern can gain or lose a key that its
   * siblings do not; laid out together they would have no common text.
   */
  private splitMisaligned(p: Pattern, keys: number[]): void {
    const leaving = p.members.filter((_, i) => keys[i] !== keys[0]);
    p.members = p.members.filter((_, i) => keys[i] === keys[0]);
    this.relayout(p);
    for (const s of leaving) this.attach(s, null);
  }

  /** Remembers a pattern's text before a change, to report it once afterwards. */
  private note(p: Pattern): void {
    if (!this.pendingText.has(p)) this.pendingText.set(p, p.text);
  }

  /** Reports what the last change did: merges (with the survivor's text), then new texts. */
  private flush(): void {
    const merges = this.pendingMerges;
    const texts = this.pendingText;
    const survivors = new Map(this.survivorOf);
    this.pendingMerges = [];
    this.pendingText = new Map();
    this.survivorOf.clear();
    if (!this.onChange) return;
    const live = (p: Pattern): Pattern => {
      let q = p;
      for (let next = survivors.get(q); next; next = survivors.get(q)) q = next;
      return q;
    };
    for (const m of merges) {
      const into = live(m.into);
      this.onChange({ kind: 'merged', from: m.from, into: into.id, template: into.text });
    }
    for (const [p, before] of texts) {
      if (!p.dead && p.text !== before) this.onChange({ kind: 'generalised', id: p.id, template: p.text });
    }
  }

  // ---- bookkeeping ----------------------------------------------------------------

  private newShape(key: number, tokens: string[], count: number, lastSeen: number): Shape {
    const s: Shape = {
      key,
      tokens,
      count,
      lastSeen,
      constants: countConstants(tokens),
      values: countValues(tokens),
      dead: false,
      next: null,
      firstKey: '',
      lastKey: '',
      seen: 0,
      // set by attach()
      pattern: null as unknown as Pattern,
      plan: null,
    };
    this.shapes.add(s);
    let list = this.byLength.get(tokens.length);
    if (!list) this.byLength.set(tokens.length, (list = []));
    list.push(s);
    this.index(s);
    return s;
  }

  /** Position `pos` of s becomes `token` (a wildcard). */
  private setToken(s: Shape, pos: number, token: string): void {
    if (s.tokens[pos] === token) return;
    this.unindex(s);
    const tokens = s.tokens.slice();
    tokens[pos] = token;
    s.tokens = tokens;
    s.constants = countConstants(tokens);
    s.values = countValues(tokens);
    this.index(s);
    this.queue.push(s);
  }

  private index(s: Shape): void {
    const n = s.tokens.length;
    // (an empty message has a shape of no tokens)
    s.firstKey = bucketKey(n, s.tokens[0] ?? ANY);
    s.lastKey = bucketKey(n, s.tokens[n - 1] ?? ANY);
    this.byFirst.add(s.firstKey, s);
    this.byLast.add(s.lastKey, s);
  }

  private unindex(s: Shape): void {
    this.byFirst.remove(s.firstKey, s);
    this.byLast.remove(s.lastKey, s);
  }

  /** Shapes of n tokens that share the first or the last token (or have a wildcard there), each once. */
  private shapeCandidates(n: number, first: string, last: string): Shape[] {
    const stamp = ++this.search;
    const out: Shape[] = [];
    const lists = [
      this.byFirst.get(bucketKey(n, first)),
      this.byFirst.get(bucketKey(n, ANY)),
      this.byLast.get(bucketKey(n, last)),
      this.byLast.get(bucketKey(n, ANY)),
    ];
    for (const list of lists) {
      if (!list) continue;
      for (const s of list) {
        if (s.seen === stamp) continue;
        s.seen = stamp;
        out.push(s);
      }
    }
    return out;
  }

  /** Shapes that `tokens` (which have wildcards) may cover: they share its first or last constant. */
  private coveredCandidates(tokens: string[]): Shape[] {
    const n = tokens.length;
    const first = tokens[0]!;
    const last = tokens[n - 1]!;
    if (!isWild(first)) return (this.byFirst.get(bucketKey(n, first)) ?? []).slice();
    if (!isWild(last)) return (this.byLast.get(bucketKey(n, last)) ?? []).slice();
    return (this.byLength.get(n) ?? []).slice();
  }

  /**
   * Patterns with as many key tokens as `keys` that share its first or (with `both`) its
   * last key token, or have a wildcard there: where its near misses and the keys that
   * cover it are.
   */
  private patternCandidates(keys: string[], both: boolean): Pattern[] {
    const stamp = ++this.search;
    const out: Pattern[] = [];
    const lists = [this.keyFirst.get(keyIndexKey(keys, 0)), this.keyFirst.get(wildKey(keys.length))];
    if (both) lists.push(this.keyLast.get(keyIndexKey(keys, keys.length - 1)), this.keyLast.get(wildKey(keys.length)));
    for (const list of lists) {
      if (!list) continue;
      for (const p of list) {
        if (p.seen === stamp) continue;
        p.seen = stamp;
        out.push(p);
      }
    }
    return out;
  }

  /** Registered patterns whose keys `keys` (with word wildcards) may cover. */
  private coveredPatterns(keys: string[]): Pattern[] {
    const n = keys.length;
    if (!isWordWild(keys[0]!)) return (this.keyFirst.get(keyIndexKey(keys, 0)) ?? []).slice();
    if (!isWordWild(keys[n - 1]!)) return (this.keyLast.get(keyIndexKey(keys, n - 1)) ?? []).slice();
    const all: Pattern[] = [];
    for (const p of this.patterns.values()) if (p.key !== null && p.keyTokens.length === n) all.push(p);
    return all;
  }

  private removeShape(s: Shape): void {
    s.dead = true;
    this.shapes.delete(s);
    this.unindex(s);
    const list = this.byLength.get(s.tokens.length);
    if (list) {
      removeFrom(list, s);
      if (list.length === 0) this.byLength.delete(s.tokens.length);
    }
    removeFrom(s.pattern.members, s);
  }

  /** Drops the least recently seen tenth of the shapes, and the patterns left with none. */
  private evict(): void {
    const all = [...this.shapes].sort((a, b) => a.lastSeen - b.lastSeen);
    const drop = Math.max(1, Math.floor(this.opts.maxTemplates / 10));
    for (const s of all.slice(0, drop)) {
      const p = s.pattern;
      this.removeShape(s);
      this.counters.evicted++;
      if (p.members.length > 0) continue;
      p.dead = true;
      this.patterns.delete(p.id);
      this.unregister(p);
      leaveGroups(p);
      this.onChange?.({ kind: 'evicted', id: p.id });
    }
    // Let the evicted shapes go: entries that led to them would only miss.
    this.cache.clear();
  }

  // ---- persistence ----------------------------------------------------------------

  toJSON(): MinerState {
    const groups = new Set<Group>();
    for (const p of this.patterns.values()) if (p.groups) for (const g of p.groups.values()) groups.add(g);
    return {
      version: 2,
      options: { ...this.opts },
      nextId: this.nextId,
      nextShape: this.nextShape,
      clock: this.clock,
      counters: { ...this.counters },
      patterns: [...this.patterns.values()].map((p) => ({
        id: p.id,
        count: p.count,
        shapes: p.members.map((s) => ({
          key: s.key,
          // null: a value wildcard (word wildcards are strings that start with \u0002)
          tokens: s.tokens.map((t) => (t === ANY ? null : t)),
          count: s.count,
          lastSeen: s.lastSeen,
        })),
      })),
      groups: [...groups]
        .filter((g) => g.members.length > 1)
        .map((g) => ({ index: g.index, members: g.members.map((m) => m.id), blocked: g.blocked })),
    };
  }

  static fromJSON(input: unknown, onChange?: (change: TemplateChange) => void): TemplateMiner {
    const state = minerStateSchema.parse(input);
    const miner = new TemplateMiner({ ...state.options, onChange });
    miner.nextId = state.nextId;
    miner.nextShape = state.nextShape;
    miner.clock = state.clock;
    miner.counters = { ...state.counters };
    for (const p of state.patterns) {
      let pattern: Pattern | null = null;
      for (const s of p.shapes) {
        const tokens = s.tokens.map((t) => t ?? ANY);
        const shape = miner.newShape(s.key, tokens, s.count, s.lastSeen);
        if (!pattern) {
          miner.attach(shape, p.id);
          pattern = shape.pattern;
        } else {
          shape.pattern = pattern;
          pattern.members.push(shape);
        }
      }
      if (pattern) {
        pattern.count = p.count;
        miner.relayout(pattern);
      }
    }
    miner.queue = [];
    for (const g of state.groups) {
      const members = g.members.map((id) => miner.patterns.get(id)).filter((p): p is Pattern => p !== undefined);
      if (members.length < 2) continue;
      const group: Group = { index: g.index, members, blocked: g.blocked };
      for (const m of members) (m.groups ??= new Map()).set(g.index, group);
    }
    return miner;
  }
}

// ---- pure helpers ---------------------------------------------------------------------

/** Index key of a token count and a token; wildcards of both kinds share one key. */
function bucketKey(n: number, token: string): string {
  return `${n}\u0001${isWild(token) ? ANY : token}`;
}

function keyIndexKey(keys: string[], i: number): string {
  const t = keys[i] ?? '';
  return `${keys.length}\u0001${isWordWild(t) ? WILD : t}`;
}

const wildKey = (n: number): string => `${n}\u0001${WILD}`;

/**
 * The shape cache: a fixed table of two-way sets keyed by the message's 64-bit masked hash
 * and token count. No allocation per lookup, a bounded size, and an entry that no longer
 * fits is simply replaced — it is a cache.
 */
class ShapeCache {
  private readonly mask: number;
  private readonly k1: Int32Array;
  private readonly k2: Int32Array;
  private readonly kn: Int32Array;
  private readonly shapes: (Shape | undefined)[];
  /** Per set, the way to replace next. */
  private readonly next: Uint8Array;

  constructor(entries: number) {
    let size = 2;
    while (size < entries) size *= 2;
    this.mask = entries === 0 ? -1 : size / 2 - 1;
    this.k1 = new Int32Array(size);
    this.k2 = new Int32Array(size);
    this.kn = new Int32Array(size).fill(-1);
    this.shapes = new Array<Shape | undefined>(size).fill(undefined);
    this.next = new Uint8Array(size / 2);
  }

  get(h1: number, h2: number, n: number): Shape | undefined {
    if (this.mask < 0) return undefined;
    const i = ((h1 ^ (h2 >>> 15)) & this.mask) * 2;
    if (this.k1[i] === h1 && this.k2[i] === h2 && this.kn[i] === n) return this.shapes[i];
    if (this.k1[i + 1] === h1 && this.k2[i + 1] === h2 && this.kn[i + 1] === n) return this.shapes[i + 1];
    return undefined;
  }

  set(h1: number, h2: number, n: number, shape: Shape): void {
    if (this.mask < 0) return;
    const set = (h1 ^ (h2 >>> 15)) & this.mask;
    const i = set * 2 + this.next[set]!;
    this.next[set] = 1 - this.next[set]!;
    this.k1[i] = h1;
    this.k2[i] = h2;
    this.kn[i] = n;
    this.shapes[i] = shape;
  }

  clear(): void {
    this.kn.fill(-1);
    this.shapes.fill(undefined);
  }

  bytes(): number {
    return this.shapes.length * 21;
  }
}

/** Lists by string key, for the candidate indexes. */
class Index<T> {
  private readonly map = new Map<string, T[]>();

  get(key: string): T[] | undefined {
    return this.map.get(key);
  }

  add(key: string, item: T): void {
    const list = this.map.get(key);
    if (list) list.push(item);
    else this.map.set(key, [item]);
  }

  remove(key: string, item: T): void {
    const list = this.map.get(key);
    if (!list) return;
    removeFrom(list, item);
    if (list.length === 0) this.map.delete(key);
  }
}

function liveShape(s: Shape): Shape {
  let t = s;
  while (t.dead && t.next) t = t.next;
  return t;
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function newGroup(p: Pattern, index: number): Group {
  const g: Group = { index, members: [p], blocked: false };
  (p.groups ??= new Map()).set(index, g);
  return g;
}

/** A pattern whose key changed or that is gone is no longer evidence in its groups. */
function leaveGroups(p: Pattern): void {
  if (!p.groups) return;
  for (const g of p.groups.values()) removeFrom(g.members, p);
  p.groups = null;
}

function matches(tpl: string[], masked: string[]): boolean {
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i]!;
    if (t !== masked[i] && !accepts(t, masked[i]!)) return false;
  }
  return true;
}

/**
 * The one position where the shape's constants differ from the line, or -1: none, more
 * than one, or too little in common for the rest to say they are the same kind of event —
 * at least half the tokens must be equal, one of them a word, so a short shape with a
 * wildcard ("<*> what=<*>") is no one's sibling.
 */
function oneMismatch(tpl: string[], masked: string[]): number {
  let pos = -1;
  let same = 0;
  let words = 0;
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i]!;
    if (isWild(t) && accepts(t, masked[i]!)) continue;
    if (t !== masked[i]) {
      if (pos >= 0) return -1;
      pos = i;
    } else {
      same++;
      if (!t.includes(VAR)) words++;
    }
  }
  return words > 0 && same * 2 >= tpl.length ? pos : -1;
}

/**
 * The one key index where two keys differ, or -1: none, more than one, or too little in
 * common (half the key tokens equal, one of them a word). Word wildcards agree with anything.
 */
function keyMismatch(a: string[], b: string[]): number {
  if (a.length !== b.length || a.length < 2) return -1;
  let index = -1;
  let same = 0;
  let words = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((isWordWild(x) || isWordWild(y)) && (accepts(x, y) || accepts(y, x))) continue;
    if (x !== y) {
      if (index >= 0) return -1;
      index = i;
    } else {
      same++;
      if (!x.includes(VAR)) words++;
    }
  }
  return words > 0 && same * 2 >= a.length ? index : -1;
}

/** Every line `inner` matches, `outer` matches too. */
function covers(outer: string[], inner: string[]): boolean {
  for (let i = 0; i < outer.length; i++) {
    const o = outer[i]!;
    if (o !== inner[i] && !accepts(o, inner[i]!)) return false;
  }
  return true;
}

/** A token that is surely a value though no mask named it: it holds digits or masked values. */
function valueLike(token: string): boolean {
  if (isWild(token)) return true;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return token.includes(VAR);
}

function countConstants(tokens: string[]): number {
  let n = 0;
  for (const t of tokens) if (!isWild(t) && t !== VAR) n++;
  return n;
}

function countValues(tokens: string[]): number {
  let n = 0;
  for (const t of tokens) if (t === VAR) n++;
  return n;
}

/** Constants a shape keeps at least: one, and a quarter of its tokens. */
function minConstants(n: number): number {
  return Math.max(1, Math.ceil(n / 4));
}

/**
 * Shapes of different lengths share a pattern on their key tokens only when those say
 * enough: two words at least, and four, or key tokens for a quarter of the shape.
 */
function sharesKey(keys: number, words: number, length: number): boolean {
  return words >= 2 && (words >= 4 || keys * 4 >= length);
}

/** A dotted or slashed name: three identifier parts at least (a.b.c, a.b/c). */
const QUALIFIED = /[A-Za-z_$][\w$]*[./][A-Za-z_$][\w$]*[./]+[A-Za-z_$][\w$]*/;
function isQualified(t: string): boolean {
  return !isWordWild(t) && QUALIFIED.test(t);
}

function keyTokens(tokens: string[]): string[] {
  return tokens.filter((_, i) => isKeyAt(tokens, i));
}

/** Key `outer` takes every key `inner` is: equal, or a word wildcard where inner has a word. */
function keyCovers(outer: string[], inner: string[]): boolean {
  if (outer.length !== inner.length) return false;
  for (let i = 0; i < outer.length; i++) if (!accepts(outer[i]!, inner[i]!)) return false;
  return true;
}

/**
 * The key tokens of `inner` (index, wildcard) to set so its key equals that of `outer`,
 * which covers it; null when none can (a wildcard of one stands where the other has a
 * pure value).
 */
function keysToDrop(outer: string[], inner: string[]): [number, string][] | null {
  const drop: [number, string][] = [];
  let k = 0;
  for (let i = 0; i < inner.length; i++) {
    const o = outer[i]!;
    const keyIn = isKeyAt(inner, i);
    if (isKeyAt(outer, i) !== keyIn) return null;
    if (!keyIn) continue;
    if (isWordWild(o) && inner[i] !== o) drop.push([k, o]);
    k++;
  }
  return drop;
}

/** Parameters when the text is the shape's own: mask values, and raw tokens at wildcards. */
function ownParams(shape: Shape, scan: Scan): string[] {
  const tokens = shape.tokens;
  if (shape.constants + shape.values === tokens.length) {
    // no wildcard: the mask values, in an array of their size (no growing on push)
    const nv = scan.values.nv;
    const all = new Array<string>(nv);
    for (let k = 0; k < nv; k++) all[k] = scan.value(k);
    return all;
  }
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    // (bare wildcards only: a shape with a trimmed one has a plan)
    if (isWild(tokens[i]!)) out.push(scan.raw(i));
    else for (let k = scan.valuesFrom(i); k < scan.vEnd[i]!; k++) out.push(scan.value(k));
  }
  return out;
}

/** Parameters in a pattern's text order (layout.ts). */
function planParams(plan: Op[], scan: Scan): string[] {
  const out: string[] = [];
  for (const op of plan) {
    if (op.kind === KEEP) {
      for (let k = scan.valuesFrom(op.from); k < scan.vEnd[op.from]!; k++) out.push(scan.value(k));
    } else if (op.kind === RAW) {
      out.push(
        op.pre + op.suf === 0
          ? scan.raw(op.from)
          : scan.msg.slice(scan.start[op.from]! + op.pre, scan.end[op.from]! - op.suf),
      );
    } else {
      // The run as written, inner whitespace and all; '' when this shape has none there.
      out.push(op.to > op.from ? scan.msg.slice(scan.start[op.from], scan.end[op.to - 1]) : '');
    }
  }
  return out;
}
