// The size of an element's content box, kept up to date by a ResizeObserver (what recharts'
// ResponsiveContainer did for the charts): 0 × 0 until it is first measured.
import { useCallback, useRef, useState } from 'react';

export function useBoxSize(): { width: number; height: number; ref: (el: Element | null) => void } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: Element | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el || typeof ResizeObserver === 'undefined') return;
    observer.current = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect;
      const width = Math.floor(box.width);
      const height = Math.floor(box.height);
      // Only a real change re-renders the chart.
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    });
    observer.current.observe(el);
  }, []);
  return { ...size, ref };
}
