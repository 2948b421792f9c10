/** Is the key event aimed at something the person types into (so shortcuts stay out)? */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  const type = (el.type ?? 'text').toLowerCase();
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(type);
}

/**
 * Two-key shortcuts in the manner of GitHub and Gmail (`g` then `p`): feed it each key;
 * it answers the action when a chord completes. The first key arms it for `timeoutMs`.
 */
export function createChords<A>(chords: Readonly<Record<string, A>>, timeoutMs = 1500) {
  const leaders = new Set(Object.keys(chords).map((c) => c[0]!));
  let armed: { key: string; at: number } | null = null;
  return {
    feed(key: string, now: number): { action: A } | { pending: true } | null {
      const prev = armed;
      armed = null;
      if (prev && now - prev.at <= timeoutMs) {
        const action = chords[prev.key + key];
        if (action !== undefined) return { action };
      }
      if (leaders.has(key)) {
        armed = { key, at: now };
        return { pending: true };
      }
      return null;
    },
    reset() {
      armed = null;
    },
  };
}

/** How far a list-navigation key moves the selection (j/k, arrows, page keys); 0 for any other key. */
export function listMoveDelta(key: string, page: number): number {
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return 1;
    case 'k':
    case 'ArrowUp':
      return -1;
    case 'PageDown':
      return page;
    case 'PageUp':
      return -page;
    default:
      return 0;
  }
}
