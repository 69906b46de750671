// The board's views and how the address names them: the hash (#train, #latents, …). The
// settings live in the query string (urlState.ts), so the hash is the view's alone.

/** The views, in the order the tab bar shows them. */
export const VIEWS = ['train', 'latents', 'evaluate', 'runs', 'theory'] as const;
export type ViewId = (typeof VIEWS)[number];

export const DEFAULT_VIEW: ViewId = 'train';

/** Each view's tab label. */
export const VIEW_LABELS: Record<ViewId, string> = {
  train: 'Train',
  latents: 'Latents',
  evaluate: 'Evaluate',
  runs: 'Runs',
  theory: 'Theory',
};

/**
 * The view a hash names: "#runs" → 'runs'. Case and surrounding spaces do not matter, and so do
 * not a trailing slash or parameters after "?", "&" or "/" ("#runs?x=1"); an empty or unknown hash
 * is the default view (Train).
 */
export function parseView(hash: string): ViewId {
  const name = hash.replace(/^#/, '').trim().split(/[?&/]/, 1)[0].toLowerCase();
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewId) : DEFAULT_VIEW;
}

/** The hash that opens a view ("#runs"). */
export const viewHash = (view: ViewId): string => `#${view}`;

/** The view after `from` by `delta` places in the tab bar, wrapping round (arrow keys on the tabs). */
export function neighbourView(from: ViewId, delta: number): ViewId {
  const i = VIEWS.indexOf(from);
  return VIEWS[(((i + delta) % VIEWS.length) + VIEWS.length) % VIEWS.length];
}
