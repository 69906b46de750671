// A view's sample from the worker, kept current without flooding it: asked for at most every
// `minGapMs`, never two at once (one asked for meanwhile is coalesced into one more), and, while
// the view is off screen, only remembered as stale until it is seen again.

export interface PacedRefresh {
  /** Ask now (or, if one is in flight, once more when it lands). */
  now(): Promise<void>;
  /** Ask soon: at most one ask every minGapMs. */
  soon(): void;
  /** New data arrived: ask soon if the view is seen, otherwise mark it stale. */
  changed(): void;
  /** The view scrolled in or out of sight: coming back stale asks soon. */
  setVisible(visible: boolean): void;
  /** Drop a pending ask (the view went away). */
  cancel(): void;
}

export function pacedRefresh(ask: () => Promise<void>, minGapMs: number): PacedRefresh {
  let inFlight = false;
  let again = false;
  let visible = true;
  let stale = false;
  let lastAsked = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const soon = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void now();
    }, Math.max(0, minGapMs - (performance.now() - lastAsked)));
  };

  const now = async (): Promise<void> => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    lastAsked = performance.now();
    try {
      await ask();
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        soon();
      }
    }
  };

  return {
    now,
    soon,
    changed() {
      if (visible) soon();
      else stale = true;
    },
    setVisible(v) {
      visible = v;
      if (v && stale) {
        stale = false;
        soon();
      }
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
