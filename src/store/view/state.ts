// Which view of the board the page shows (Train, Latents, Evaluate, Runs, Theory): the address's
// hash decides (rules.ts); commands.ts changes it and follows it.
import { create } from 'zustand';
import { DEFAULT_VIEW, parseView, type ViewId } from './rules';

export interface ViewState {
  view: ViewId;
}

const fromAddress = (): ViewId => (typeof location === 'undefined' ? DEFAULT_VIEW : parseView(location.hash));

export const useView = create<ViewState>()(() => ({ view: fromAddress() }));

/** Read the view from the address again (on hashchange: back, forward, a typed #view). */
export const readViewFromAddress = (): void => {
  const view = fromAddress();
  if (useView.getState().view !== view) useView.setState({ view });
};
