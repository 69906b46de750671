// The page's address holds its settings (replaceState: sharing the address reproduces the run).
// A subset parked for a dataset file that is not here stays in the address with that file's name,
// so a reload or a shared link still asks for the file and its subset.
import { useLab } from './run/state';
import { encodeUrlState } from './urlState';

/** Write the settings into the URL. */
export function syncUrl(): void {
  const { config, backendRequest, parked } = useLab.getState();
  const shown = parked ? { ...config, dataset: parked.datasetId, subset: parked.subset } : config;
  const q = encodeUrlState({ config: shown, backend: backendRequest });
  const url = `${location.pathname}${q ? `?${q}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}
