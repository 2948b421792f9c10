/**
 * Leading + trailing throttle: the first call runs at once, calls within `ms` of it
 * collapse into one more run when the window ends. Used for `dataChanged` refreshes.
 */
export interface Throttled {
  (): void;
  cancel(): void;
}

export function throttle(
  fn: () => void,
  ms: number,
  timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis,
): Throttled {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  const open = () => {
    timer = timers.setTimeout(() => {
      timer = null;
      if (pending) {
        pending = false;
        fn();
        open();
      }
    }, ms);
  };
  const call = (() => {
    if (timer) {
      pending = true;
      return;
    }
    fn();
    open();
  }) as Throttled;
  call.cancel = () => {
    if (timer) timers.clearTimeout(timer);
    timer = null;
    pending = false;
  };
  return call;
}

/** Trailing debounce with cancel. */
export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const call = (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return call;
}
