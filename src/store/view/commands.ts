// Opening a view: a new history entry (#runs), so back and forward go between views; the page
// follows the hash however it changes (a click on a tab, back/forward, a typed or pasted address).
import { viewHash, type ViewId } from './rules';
import { readViewFromAddress, useView } from './state';

/** Show a view and put it in the address. */
export function openView(view: ViewId): void {
  if (location.hash !== viewHash(view)) location.hash = viewHash(view); // hashchange follows
  else useView.setState({ view });
}

/** Follow the address's hash; returns the stop. */
export function followViewAddress(): () => void {
  readViewFromAddress();
  addEventListener('hashchange', readViewFromAddress);
  return () => removeEventListener('hashchange', readViewFromAddress);
}
