// The board's tab bar (WAI-ARIA tabs: role="tablist", each tab aria-selected and aria-controls
// its panel; arrow keys, Home and End move between tabs) and the panels it switches. Every panel
// stays mounted — the Runs recorder and the sweep driver live in theirs — and the ones not shown
// are `hidden` (styled content-visibility: hidden, which keeps their layout for a cheap return),
// so their charts and views count as off screen (useSeries.ts, the sharing and reconstruction
// views' IntersectionObservers) and ask the worker for nothing.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { openView, followViewAddress } from '../../store/view/commands';
import { VIEWS, VIEW_LABELS, neighbourView, type ViewId } from '../../store/view/rules';
import { useView } from '../../store/view/state';

export const tabId = (v: ViewId) => `view-tab-${v}`;
export const panelId = (v: ViewId) => `view-${v}`;

export function ViewTabs() {
  const view = useView((s) => s.view);
  const tabs = useRef(new Map<ViewId, HTMLButtonElement>());
  useEffect(() => followViewAddress(), []);
  const go = (v: ViewId) => {
    openView(v);
    tabs.current.get(v)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const to =
      e.key === 'ArrowRight' ? neighbourView(view, 1) : e.key === 'ArrowLeft' ? neighbourView(view, -1) : e.key === 'Home' ? VIEWS[0] : e.key === 'End' ? VIEWS[VIEWS.length - 1] : null;
    if (!to) return;
    e.preventDefault();
    go(to);
  };
  return (
    <div className="view-tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
      {VIEWS.map((v) => (
        <button
          key={v}
          ref={(el) => {
            if (el) tabs.current.set(v, el);
            else tabs.current.delete(v);
          }}
          type="button"
          role="tab"
          id={tabId(v)}
          aria-selected={v === view}
          aria-controls={panelId(v)}
          tabIndex={v === view ? 0 : -1}
          data-view={v}
          onClick={() => openView(v)}
        >
          {VIEW_LABELS[v]}
        </button>
      ))}
    </div>
  );
}

/** One view's panel: shown when its tab is selected, otherwise hidden (still mounted). */
export function ViewPanel({ view, children }: { view: ViewId; children: ReactNode }) {
  const shown = useView((s) => s.view === view);
  return (
    <section role="tabpanel" id={panelId(view)} aria-labelledby={tabId(view)} className={`view view-${view}`} data-view={view} hidden={!shown}>
      {children}
    </section>
  );
}
