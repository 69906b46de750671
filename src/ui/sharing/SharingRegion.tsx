// The "Latent sharing" region: which patches share latent dimensions, live. The ordered G×K
// heatmap with its threshold, the patch view, one map per latent, the latents active at each
// patch of an example image, the current batch's masks, and sparsity at a glance. JEPA runs
// have no groups: the region says so (the masks still apply and are shown).
import { useCallback, useEffect, useId, useRef } from 'react';
import { useLab } from '../../store/run/state';
import { followRun, setRegionVisible } from '../../store/sharing/commands';
import { selectPatch, useSharing } from '../../store/sharing/state';
import { NormsHeatmap } from '../NormsHeatmap';
import { LatentUseView } from './LatentUseView';
import { MasksView } from './MasksView';
import { PatchView } from './PatchView';
import { ImagePicker, ThresholdControl } from './SharingControls';
import { SmallMultiples } from './SmallMultiples';
import { SparsityView } from './SparsityView';
import { useGrouping, useSharingData } from './useSharingData';

export function SharingRegion() {
  const headingId = useId();
  const mode = useLab((s) => s.run?.config.mode ?? s.config.mode);
  const { data, ref } = useSharingData();
  const grouping = useGrouping();
  const sample = useSharing((s) => s.sample);
  const error = useSharing((s) => s.error);
  const selected = useSharing((s) => s.selectedPatch);
  useEffect(() => followRun(), []);
  // Off screen, new steps do not ask the worker for samples (they are fetched on coming back).
  const observer = useRef<IntersectionObserver | null>(null);
  const sectionRef = useCallback(
    (el: HTMLElement | null) => {
      ref(el);
      observer.current?.disconnect();
      observer.current = null;
      if (!el || typeof IntersectionObserver === 'undefined') return;
      observer.current = new IntersectionObserver((entries) => setRegionVisible(entries[entries.length - 1].isIntersecting));
      observer.current.observe(el);
    },
    [ref],
  );
  const onSelectGroup = useCallback((g: number) => grouping && selectPatch(grouping.groupOfPatch.indexOf(g)), [grouping]);
  const grid = grouping?.grid ?? 8;
  const masks = <MasksView masks={sample?.masks ?? null} grid={sample?.grid ?? grid} />;
  return (
    <section className="sharing" aria-labelledby={headingId} ref={sectionRef}>
      <h2 id={headingId}>Latent sharing</h2>
      {error ? <p className="error">{error}</p> : null}
      {mode !== 'sparse' ? (
        <>
          <p className="info no-groups">
            {mode === 'mae' ? 'MAE runs have no latent groups: the decoder reconstructs pixels' : 'JEPA runs have no latent groups: the baseline predicts with a plain linear head'}, so there is no G×K matrix to show. Switch Mode to
            SparseJEPA and Reset to see which patches share latent dimensions.
          </p>
          <div className="sharing-grid">{masks}</div>
        </>
      ) : (
        <>
          <div className="sharing-controls">
            <ThresholdControl />
            <ImagePicker />
          </div>
          <div className="sharing-grid">
            <NormsHeatmap
              data={data}
              selectedGroup={selected !== null && grouping ? grouping.groupOfPatch[selected] : null}
              onSelectGroup={onSelectGroup}
            />
            {grouping ? <PatchView data={data} grid={grouping.grid} groups={grouping.groupOfPatch} sample={sample} /> : null}
            <SparsityView data={data} />
            {grouping ? <SmallMultiples data={data} grid={grouping.grid} groups={grouping.groupOfPatch} /> : null}
            <LatentUseView sample={sample} order={data?.colOrder ?? null} />
            {masks}
          </div>
        </>
      )}
    </section>
  );
}
