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
import { ANY, KEEP, RAW, WILD, isKey, isWild, keyIndex, keyOf, keyPositions, layout, textOf, type Op } from './layout';
import { VAR } from './mask';
import { minerStateSchema, type MinerState } from './state';
import { tokenize, type Tokenized } from './tokenize';

export interface MinerOptions {
  /** Shapes kept at most (so patterns too); beyond it the least recently seen are evicted. Default 5000. */
  maxTemplates?: number;
  /** Tokens read per message; the rest of a longer one is a single value. Default 120. */
  maxTokens?: number;
  /** Distinct words seen at one position of otherwise equal shapes that make it a variable. Default 4. */
  evidence?: number;
  /** Message shapes remembered for the fast path. Default 20000. */
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
  /** Shapes dropped by the cap. */
  evicted: number;
  /** Templates merged into another. */
  merged: number;
  /** Times a template took a new variable position. */
  generalised: number;
  /** Messages cut at maxTokens. */
  truncated: number;
  /** Approximate bytes held: shapes, patterns, sibling groups and the shape cache. */
  memoryBytes: number;
}

interface Group {
  pos: number;
  members: Shape[];
  /** Merging was refused (too few constants would remain): do not try again. */
  blocked: boolean;
}

interface Shape {
  /** Internal number, for saved state. */
  key: number;
  tokens: string[];
  count: number;
  lastSeen: number;
  /** Positions that are neither wildcards nor pure values. */
  constants: number;
  dead: boolean;
  /** Where an absorbed shape's lines went: the cache follows it. */
  next: Shape | null;
  groups: Map<number, Group> | null;
  bucketKey: string;
  pattern: Pattern;
  /** How to read parameters in the pattern's text order; null when the text is this shape's own. */
  plan: Op[] | null;
}

interface Pattern {
  id: number;
  count: number;
  members: Shape[];
  text: string;
  /** Its key in byKey, when registered, and how many key tokens it has. */
  key: string | null;
  keys: number;
  dead: boolean;
}

const DEFAULTS = { maxTemplates: 5000, maxTokens: 120, evidence: 4, cacheSize: 20000 };

export class TemplateMiner {
  onChange: ((change: TemplateChange) => void) | undefined;
  private readonly opts: typeof DEFAULTS;
  private readonly patterns = new Map<number, Pattern>();
  private readonly shapes = new Set<Shape>();
  /** Shapes by token count: where near misses are looked for. */
  private readonly byLength = new Map<number, Shape[]>();
  /** Shapes by token count and first token (or ANY): where a line looks for its match. */
  private readonly buckets = new Map<string, Shape[]>();
  /** Patterns by their key tokens. */
  private readonly byKey = new Map<string, Pattern>();
  /** The same patterns by how many key tokens they have: where a key with wildcards is looked for. */
  private readonly byKeyCount = new Map<number, Set<Pattern>>();
  /** Masked message → shape: the fast path. */
  private cache = new Map<string, Shape>();
  private cacheChars = 0;
  private nextId = 1;
  private nextShape = 1;
  private clock = 0;
  private counters = { evicted: 0, merged: 0, generalised: 0, truncated: 0 };
  /** Texts before the current change, to report each changed pattern once. */
  private pendingText = new Map<Pattern, string>();
  private pendingMerges: { from: number; into: Pattern }[] = [];
  /** Where merged patterns went during the current change. */
  private readonly survivorOf = new Map<Pattern, Pattern>();

  constructor(opts: MinerOptions = {}) {
    this.opts = {
      maxTemplates: Math.max(16, opts.maxTemplates ?? DEFAULTS.maxTemplates),
      maxTokens: Math.max(2, opts.maxTokens ?? DEFAULTS.maxTokens),
      evidence: Math.max(2, opts.evidence ?? DEFAULTS.evidence),
      cacheSize: Math.max(0, opts.cacheSize ?? DEFAULTS.cacheSize),
    };
    this.onChange = opts.onChange;
  }

  add(message: string): AddResult {
    this.clock++;
    const tok = tokenize(message, this.opts.maxTokens);
    if (tok.truncated) this.counters.truncated++;
    const masked = tok.masked;
    const key = masked.join('\u0001');
    let s = this.cache.get(key);
    while (s?.dead && s.next) s = s.next;
    let isNew = false;
    if (!s || s.dead) {
      s = this.findMatch(masked);
      if (!s) {
        const before = this.nextId;
        s = this.create(tok);
        isNew = this.nextId > before && s.pattern.id === before;
      }
      this.remember(key, s);
    }
    const p = s.pattern;
    s.count++;
    s.lastSeen = this.clock;
    p.count++;
    const result = { id: p.id, template: p.text, params: s.plan ? planParams(s.plan, tok) : ownParams(s.tokens, tok), isNew };
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
      if (s.groups) for (const g of s.groups.values()) groups.add(g);
    }
    for (const p of this.patterns.values()) memory += 96 + p.members.length * 8 + p.text.length * 2 + (p.key?.length ?? 0) * 2;
    for (const g of groups) memory += 64 + g.members.length * 8;
    memory += this.cache.size * 80 + this.cacheChars * 2;
    return {
      lines: this.clock,
      templates: this.patterns.size,
      shapes: this.shapes.size,
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
      const list = this.buckets.get(key);
      if (!list) continue;
      for (const s of list) {
        if ((!best || s.constants > best.constants) && matches(s.tokens, masked)) best = s;
      }
    }
    return best;
  }

  private create(tok: Tokenized): Shape {
    const masked = tok.masked;
    const n = masked.length;
    const near: { s: Shape; pos: number }[] = [];
    for (const s of this.byLength.get(n) ?? []) {
      const pos = oneMismatch(s.tokens, masked);
      if (pos >= 0) near.push({ s, pos });
    }
    // A value no mask named (a word with digits, or values of two shapes): generalise now.
    for (const { s, pos } of near) {
      if (valueLike(s.tokens[pos]!) && valueLike(masked[pos]!) && this.generalise(s, pos)) return liveShape(s);
    }
    const tokens = masked.slice();
    // The nearest shape's variables vary in this family too.
    const first = near[0];
    if (first) for (let i = 0; i < n; i++) if (isWild(first.s.tokens[i]!)) tokens[i] = first.s.tokens[i]!;
    const shape = this.newShape(this.nextShape++, tokens, 0, this.clock);
    this.attach(shape, null);
    for (const { s, pos } of near) {
      const group = s.groups?.get(pos) ?? this.newGroup(s, pos);
      if (shape.groups?.get(pos) === group) continue;
      group.members.push(shape);
      (shape.groups ??= new Map()).set(pos, group);
    }
    for (const { pos } of near) {
      const group = shape.groups?.get(pos);
      if (group && !group.blocked && group.members.length >= this.opts.evidence) {
        const survivor = this.mergeGroup(group);
        if (survivor) return liveShape(shape);
      }
    }
    return shape;
  }

  /** Puts a shape into the pattern with its key tokens, or a new one (with id `id` when restoring). */
  private attach(shape: Shape, id: number | null): void {
    const { key, keys, words } = keyOf(shape.tokens);
    const keyed = sharesKey(keys, words, shape.tokens.length);
    let existing = keyed && id === null ? this.byKey.get(key) : undefined;
    if (!existing && keyed && id === null) {
      // A pattern whose key has word wildcards where this shape has words: the shape takes them.
      const mine = keyTokens(shape.tokens);
      for (const p of this.byKeyCount.get(keys) ?? []) {
        const theirs = keyTokens(p.members[0]!.tokens);
        if (!keyCovers(theirs, mine)) continue;
        const positions = keyPositions(shape.tokens);
        this.setAny(
          shape,
          positions.filter((_, k) => theirs[k] === WILD),
          WILD,
        );
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
    const p: Pattern = { id: id ?? this.nextId++, count: 0, members: [shape], text: textOf(shape.tokens), key: null, keys: 0, dead: false };
    shape.pattern = p;
    this.patterns.set(p.id, p);
    if (keyed && !this.byKey.has(key)) this.register(p, key, keys);
  }

  private newGroup(s: Shape, pos: number): Group {
    const g: Group = { pos, members: [s], blocked: false };
    (s.groups ??= new Map()).set(pos, g);
    return g;
  }

  /** The siblings become one: the oldest takes a wildcard at the group's position and covers the rest. */
  private mergeGroup(group: Group): Shape | null {
    const members = group.members.filter((m) => !m.dead);
    if (members.length < 2) return null;
    let survivor = members[0]!;
    for (const m of members) if (m.key < survivor.key) survivor = m;
    if (!this.generalise(survivor, group.pos)) {
      group.blocked = true;
      return null;
    }
    return survivor;
  }

  // ---- generalising and merging ---------------------------------------------------

  /**
   * Position `pos` of `s` becomes a wildcard. A key token becomes one in every shape of
   * the pattern (it is the same slot of the same event); a pure value only in `s`. Then
   * every shape the changed ones now cover is absorbed, and patterns whose keys became
   * equal merge. Refused (false) when too few constants would remain.
   */
  private generalise(s: Shape, pos: number): boolean {
    const trial = s.tokens.slice();
    trial[pos] = ANY;
    if (countConstants(trial) < minConstants(trial.length)) return false;
    this.note(s.pattern);
    let changed: Shape[];
    if (isKey(s.tokens[pos]!)) {
      changed = this.dropKeys(s.pattern, [keyIndex(s.tokens, pos)]);
    } else {
      this.setAny(s, [pos]);
      changed = [s];
    }
    this.counters.generalised++;
    this.settle(changed);
    this.flush();
    return true;
  }

  /** Makes the given key tokens (by index among the key tokens) word wildcards in every shape of p. */
  private dropKeys(p: Pattern, indexes: number[]): Shape[] {
    for (const m of p.members) {
      const at: number[] = [];
      let k = 0;
      for (let i = 0; i < m.tokens.length; i++) {
        if (!isKey(m.tokens[i]!)) continue;
        if (indexes.includes(k)) at.push(i);
        k++;
      }
      this.setAny(m, at, WILD);
    }
    return p.members.slice();
  }

  /**
   * After shapes changed: absorb what they cover, merge patterns whose keys now agree,
   * lay the touched patterns out again. A covered shape of another pattern brings its
   * pattern along when dropping the keys `c` has wildcards for makes the two keys equal;
   * otherwise only the shape moves, and its pattern goes on with its other shapes.
   */
  private settle(changed: Shape[]): void {
    const queue = changed.slice();
    while (queue.length) {
      const c = queue.pop()!;
      if (c.dead) continue;
      this.rekey(c.pattern);
      for (const other of (this.byLength.get(c.tokens.length) ?? []).slice()) {
        if (other === c || other.dead || c.dead || !covers(c.tokens, other.tokens)) continue;
        const theirs = other.pattern;
        if (theirs !== c.pattern) {
          this.note(theirs);
          const drop = keysToDrop(c.tokens, other.tokens);
          if (drop) {
            if (drop.length) queue.push(...this.dropKeys(theirs, drop));
            this.mergePatterns(c.pattern, theirs);
            this.rekey(c.pattern);
          }
        }
        this.absorb(other, c);
        if (!theirs.dead && theirs.members.length === 0) {
          // Its last shape moved: the pattern's rows are c's pattern's now.
          this.mergePatterns(c.pattern, theirs);
          this.rekey(c.pattern);
        }
      }
    }
    for (const p of this.pendingText.keys()) if (!p.dead) this.relayout(p);
  }

  /** Registers p under its current key; merges it with the pattern already there. Returns the survivor. */
  private rekey(p: Pattern): Pattern {
    if (p.dead) return this.survivorOf.get(p) ?? p;
    const first = p.members[0];
    if (!first) return p;
    const { key, keys, words } = keyOf(first.tokens);
    if (p.key === key) return p;
    this.unregister(p);
    if (!sharesKey(keys, words, first.tokens.length)) return p;
    const other = this.byKey.get(key);
    const keep = other && other !== p ? this.mergePatterns(p, other) : p;
    if (keep.key !== key) {
      this.unregister(keep);
      this.register(keep, key, keys);
    }
    return keep;
  }

  private register(p: Pattern, key: string, keys: number): void {
    this.byKey.set(key, p);
    p.key = key;
    p.keys = keys;
    let set = this.byKeyCount.get(keys);
    if (!set) this.byKeyCount.set(keys, (set = new Set()));
    set.add(p);
  }

  private unregister(p: Pattern): void {
    if (p.key === null) return;
    if (this.byKey.get(p.key) === p) this.byKey.delete(p.key);
    const set = this.byKeyCount.get(p.keys);
    if (set) {
      set.delete(p);
      if (set.size === 0) this.byKeyCount.delete(p.keys);
    }
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
    this.survivorOf.set(gone, keep);
    this.counters.merged++;
    this.pendingMerges.push({ from: gone.id, into: keep });
    return keep;
  }

  /** `from`'s lines are `into`'s from now on (same pattern, `into` covers `from`). */
  private absorb(from: Shape, into: Shape): void {
    into.count += from.count;
    into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
    this.removeShape(from);
    from.next = into;
  }

  private relayout(p: Pattern): void {
    if (p.members.length === 1) {
      const only = p.members[0]!;
      only.plan = null;
      p.text = textOf(only.tokens);
      return;
    }
    const { text, plans } = layout(p.members.map((m) => m.tokens));
    p.members.forEach((m, i) => (m.plan = plans[i]!));
    p.text = text;
  }

  /** Remembers a pattern's text before a change, to report it once afterwards. */
  private note(p: Pattern): void {
    if (!this.pendingText.has(p)) this.pendingText.set(p, p.text);
  }

  /** Reports what the last change did: merges first (with the survivor's text), then new texts. */
  private flush(): void {
    const merges = this.pendingMerges;
    const texts = this.pendingText;
    this.pendingMerges = [];
    this.pendingText = new Map();
    const survivors = new Map(this.survivorOf);
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
      dead: false,
      next: null,
      groups: null,
      bucketKey: '',
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

  private setAny(s: Shape, positions: number[], wildcard = ANY): void {
    if (positions.length === 0) return;
    this.unindex(s);
    const tokens = s.tokens.slice();
    for (const p of positions) tokens[p] = wildcard;
    s.tokens = tokens;
    s.constants = countConstants(tokens);
    this.index(s);
    for (const p of positions) {
      const g = s.groups?.get(p);
      if (g) dropGroup(g);
    }
  }

  private index(s: Shape): void {
    const first = s.tokens[0] ?? ANY;
    s.bucketKey = bucketKey(s.tokens.length, isWild(first) ? ANY : first);
    let list = this.buckets.get(s.bucketKey);
    if (!list) this.buckets.set(s.bucketKey, (list = []));
    list.push(s);
  }

  private unindex(s: Shape): void {
    const list = this.buckets.get(s.bucketKey);
    if (!list) return;
    removeFrom(list, s);
    if (list.length === 0) this.buckets.delete(s.bucketKey);
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
    if (s.groups) {
      for (const g of s.groups.values()) removeFrom(g.members, s);
      s.groups = null;
    }
    removeFrom(s.pattern.members, s);
  }

  private remember(key: string, s: Shape): void {
    if (this.opts.cacheSize === 0 || key.length > 2000) return;
    if (this.cache.size >= this.opts.cacheSize) this.clearCache();
    this.cache.set(key, s);
    this.cacheChars += key.length;
  }

  private clearCache(): void {
    this.cache = new Map();
    this.cacheChars = 0;
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
      this.onChange?.({ kind: 'evicted', id: p.id });
    }
    // Shapes that led to evicted ones would only miss.
    this.clearCache();
  }

  // ---- persistence ----------------------------------------------------------------

  toJSON(): MinerState {
    const groups = new Set<Group>();
    for (const s of this.shapes) if (s.groups) for (const g of s.groups.values()) groups.add(g);
    return {
      version: 1,
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
          // null: a value wildcard; true: a word wildcard
          tokens: s.tokens.map((t) => (t === ANY ? null : t === WILD ? true : t)),
          count: s.count,
          lastSeen: s.lastSeen,
        })),
      })),
      groups: [...groups]
        .filter((g) => g.members.length > 0)
        .map((g) => ({ pos: g.pos, members: g.members.map((m) => m.key), blocked: g.blocked })),
    };
  }

  static fromJSON(input: unknown, onChange?: (change: TemplateChange) => void): TemplateMiner {
    const state = minerStateSchema.parse(input);
    const miner = new TemplateMiner({ ...state.options, onChange });
    miner.nextId = state.nextId;
    miner.nextShape = state.nextShape;
    miner.clock = state.clock;
    miner.counters = { ...state.counters };
    const byKey = new Map<number, Shape>();
    for (const p of state.patterns) {
      let pattern: Pattern | null = null;
      for (const s of p.shapes) {
        const tokens = s.tokens.map((t) => (t === null ? ANY : t === true ? WILD : t));
        const shape = miner.newShape(s.key, tokens, s.count, s.lastSeen);
        byKey.set(s.key, shape);
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
    for (const g of state.groups) {
      const members = g.members.map((k) => byKey.get(k)).filter((s): s is Shape => s !== undefined);
      if (members.length === 0) continue;
      const group: Group = { pos: g.pos, members, blocked: g.blocked };
      for (const m of members) (m.groups ??= new Map()).set(g.pos, group);
    }
    return miner;
  }
}

// ---- pure helpers ---------------------------------------------------------------------

function bucketKey(n: number, first: string): string {
  return `${n}\u0001${first}`;
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

function dropGroup(g: Group): void {
  for (const m of g.members) if (m.groups?.get(g.pos) === g) m.groups.delete(g.pos);
  g.members.length = 0;
}

function matches(tpl: string[], masked: string[]): boolean {
  for (let i = 0; i < tpl.length; i++) {
    const t = tpl[i]!;
    if (t !== masked[i] && !isWild(t)) return false;
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
    if (isWild(t)) continue;
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

/** Every line `inner` matches, `outer` matches too. */
function covers(outer: string[], inner: string[]): boolean {
  for (let i = 0; i < outer.length; i++) {
    const o = outer[i]!;
    if (o !== inner[i] && !isWild(o)) return false;
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

/** Constants a shape keeps at least: one, and a quarter of its tokens. */
function minConstants(n: number): number {
  return Math.max(1, Math.ceil(n / 4));
}

/**
 * Shapes of different lengths share a pattern on their key tokens only when those say
 * enough: two words at least, and key tokens for a quarter of the shape.
 */
function sharesKey(keys: number, words: number, length: number): boolean {
  return words >= 2 && keys * 4 >= length;
}

function keyTokens(tokens: string[]): string[] {
  return tokens.filter(isKey);
}

/** Key `outer` takes every key `inner` is: equal, or a word wildcard where inner has a word. */
function keyCovers(outer: string[], inner: string[]): boolean {
  if (outer.length !== inner.length) return false;
  for (let i = 0; i < outer.length; i++) if (outer[i] !== inner[i] && outer[i] !== WILD) return false;
  return true;
}

/**
 * The key indexes of `inner` to make wildcards so its key equals that of `outer`, which
 * covers it; null when no dropping can (a wildcard of one stands where the other has a
 * pure value).
 */
function keysToDrop(outer: string[], inner: string[]): number[] | null {
  const drop: number[] = [];
  let k = 0;
  for (let i = 0; i < inner.length; i++) {
    const o = outer[i]!;
    const keyIn = isKey(inner[i]!);
    if (isKey(o) !== keyIn && !(o === WILD && keyIn)) return null;
    if (!keyIn) continue;
    if (o === WILD && inner[i] !== WILD) drop.push(k);
    k++;
  }
  return drop;
}

/** Parameters when the text is the shape's own: mask values, and raw tokens at wildcards. */
function ownParams(tokens: string[], tok: Tokenized): string[] {
  let hasAny = false;
  for (const s of tokens) if (isWild(s)) hasAny = true;
  if (!hasAny) return tok.params;
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < tokens.length; i++) {
    const end = tok.paramEnd[i]!;
    if (isWild(tokens[i]!)) out.push(tok.raw[i]!);
    else for (let k = from; k < end; k++) out.push(tok.params[k]!);
    from = end;
  }
  return out;
}

/** Parameters in a pattern's text order (layout.ts). */
function planParams(plan: Op[], tok: Tokenized): string[] {
  const out: string[] = [];
  for (const op of plan) {
    if (op.kind === KEEP) {
      const from = op.from === 0 ? 0 : tok.paramEnd[op.from - 1]!;
      const end = tok.paramEnd[op.from]!;
      for (let k = from; k < end; k++) out.push(tok.params[k]!);
    } else if (op.kind === RAW) {
      out.push(tok.raw[op.from]!);
    } else {
      out.push(tok.raw.slice(op.from, op.to).join(' '));
    }
  }
  return out;
}
