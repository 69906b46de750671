// What each latent responds to (issue 23): Compute asks the worker once (answered between steps);
// a row per latent (JEPA / MAE: per most-varying encoder dimension) with its top test patches as
// small crops and the groups that read it; a group selector shows that group's latents.
import { useEffect, useRef } from 'react';
import { computeLatents, setLatentsGroup } from '../../store/latents/commands';
import { groupRows, latentRows, type LatentRow } from '../../store/latents/rules';
import { useLatents } from '../../store/latents/state';
import { useLab } from '../../store/run/state';
import type { LatentsSample } from '../../worker/protocol';
import { drawImage } from '../sharing/draw';

/** Displayed size of a crop, CSS pixels. */
const CROP_PX = 36;

function Crop({ sample, offset, title }: { sample: LatentsSample; offset: number; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const side = sample.cropSide;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const rgb = sample.crops.subarray(offset, offset + side * side * 3);
    drawImage(ctx, rgb, side, 1);
    // The patch itself, inside its one-patch surroundings.
    const p = sample.result.patchSize;
    ctx.strokeStyle = 'rgba(255, 60, 60, 0.9)';
    ctx.lineWidth = 0.5;
    ctx.strokeRect(p + 0.25, p + 0.25, p - 0.5, p - 0.5);
  }, [sample, offset, side]);
  return <canvas ref={ref} className="latent-crop" width={side} height={side} title={title} style={{ width: CROP_PX, height: CROP_PX, imageRendering: 'pixelated' }} />;
}

function Rows({ sample, rows, unitName }: { sample: LatentsSample; rows: LatentRow[]; unitName: string }) {
  const sparse = sample.result.kind === 'latents';
  return (
    <table className="latent-rows">
      <tbody>
        {rows.map((r) => (
          <tr key={r.unit} className="latent-row" data-unit={r.unit}>
            <th scope="row">
              {unitName} {r.unit}
            </th>
            <td>
              {r.patches.map((p, j) => (
                <Crop key={j} sample={sample} offset={p.cropOffset} title={`test image ${p.imageIndex} (${p.label}), patch (${p.row}, ${p.col}): ${p.value.toFixed(3)}`} />
              ))}
            </td>
            {sparse && <td className="latent-groups">{r.groups.length ? `read by group${r.groups.length === 1 ? '' : 's'} ${r.groups.join(', ')}` : 'read by no group'}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LatentsPanel() {
  const run = useLab((s) => s.run);
  const { sample: raw, group, error, loading } = useLatents();
  const sample = raw && raw.runId === run?.runId ? raw : null;
  const r = sample?.result;
  const unitName = r?.kind === 'dimensions' ? 'dim' : 'latent';
  return (
    <section className="panel latents-panel" aria-label="What each latent responds to">
      <h2>What each latent responds to</h2>
      <p className="info">
        For each latent, the test patches that drive it most (largest μ, the sparse head&apos;s mean), shown with one patch around them, and the groups that read it (‖W^(g)_{'{·,k}'}‖ ≥ the zero threshold).
        JEPA and MAE have no latents: their encoder&apos;s output dimensions of largest variance over the patches stand in.
      </p>
      <button type="button" onClick={() => void computeLatents()} disabled={!run || loading}>
        {loading ? 'Computing…' : 'Compute'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {sample && r && (
        <>
          <p className="latents-summary">
            Step {sample.step}: {r.units.length} {unitName === 'dim' ? `of ${r.space} dimensions` : 'latents'}, top {r.units[0]?.top.length ?? 0} patches each over {r.images} test images. {r.source}.
          </p>
          {r.groups.length > 0 && (
            <div className="latents-group">
              <label>
                Group{' '}
                <select aria-label="Group" value={group} onChange={(e) => setLatentsGroup(Number(e.target.value))}>
                  {r.groups.map((g) => (
                    <option key={g.group} value={g.group}>
                      {g.group} ({g.latents.length} latents)
                    </option>
                  ))}
                </select>
              </label>
              <div className="latents-group-rows" data-group={group}>
                {groupRows(sample, group).length ? <Rows sample={sample} rows={groupRows(sample, group)} unitName={unitName} /> : <p className="info">Group {group} reads no latent.</p>}
              </div>
            </div>
          )}
          <div className="latents-all">
            <Rows sample={sample} rows={latentRows(sample)} unitName={unitName} />
          </div>
        </>
      )}
    </section>
  );
}
