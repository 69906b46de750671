// Charts read the series through their own copy of the store's version number. The render
// queue advances it one chart per task, as a transition (React renders it in slices and
// yields), and mostly for charts on screen (off-screen ones every OFFSCREEN_MS, and at once
// when they scroll into view): drawing never holds the main thread for long.
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { useLab } from '../store/run/state';
import { cancelRender, enqueueRender, renderCommitted, renderStarted } from './renderQueue';

const OFFSCREEN_MS = 5000;

export function useSeriesVersion(): { version: number; ref: (el: Element | null) => void } {
  const [shown, setShown] = useState(() => useLab.getState().version);
  const shownRef = useRef(shown);
  const awaiting = useRef(false);
  const visible = useRef(true);
  const lastShown = useRef(0);
  const job = useRef<(() => void) | null>(null);
  if (!job.current) {
    job.current = () => {
      lastShown.current = performance.now();
      const v = useLab.getState().version;
      if (v === shownRef.current) return;
      if (!awaiting.current) {
        awaiting.current = true;
        renderStarted();
      }
      startTransition(() => setShown(v));
    };
  }
  const observer = useRef<IntersectionObserver | null>(null);
  const ref = useCallback((el: Element | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    observer.current = new IntersectionObserver((entries) => {
      const now = entries[entries.length - 1].isIntersecting;
      visible.current = now;
      if (now) enqueueRender(job.current!);
      else cancelRender(job.current!);
    });
    observer.current.observe(el);
  }, []);
  useEffect(() => {
    const j = job.current!;
    const unsubscribe = useLab.subscribe((s, prev) => {
      if (s.version === prev.version) return;
      if (visible.current || performance.now() - lastShown.current > OFFSCREEN_MS) enqueueRender(j);
    });
    return () => {
      unsubscribe();
      cancelRender(j);
      observer.current?.disconnect();
    };
  }, []);
  useEffect(() => {
    shownRef.current = shown;
    if (awaiting.current) {
      awaiting.current = false;
      renderCommitted();
    }
  }, [shown]);
  useEffect(
    () => () => {
      if (awaiting.current) renderCommitted();
    },
    [],
  );
  return { version: shown, ref };
}
