// Export weights (.safetensors, tfjs) and metrics (CSV, JSON); import a .safetensors file to
// continue training from it or just to inspect it.
import { useId, useState } from 'react';
import { exportCsv, exportJson, exportOnnx, exportSafetensors, exportTfjs, importWeights } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { QueuedNote } from './Queued';

export function Exports() {
  const fileId = useId();
  const loadId = useId();
  const [load, setLoad] = useState(true);
  const hasRun = useLab((s) => Boolean(s.run));
  const hasMetrics = useLab((s) => s.version > 0 && s.metrics.length > 0);
  const busy = useLab((s) => Boolean(s.busy));
  const weights = useLab((s) => s.weights);
  const error = useLab((s) => s.weightsError);
  return (
    <fieldset className="exports">
      <legend>Files</legend>
      <div className="button-row">
        <button type="button" onClick={() => void exportSafetensors()} disabled={!hasRun && !busy} title="PyTorch names and layout; the config is in __metadata__">
          Export weights
        </button>
        <QueuedNote label="Export .safetensors" />
        <button type="button" onClick={() => void exportTfjs()} disabled={!hasRun && !busy} title="model.json + weights.bin">
          Export tfjs
        </button>
        <QueuedNote label="Export tfjs" />
        <button type="button" onClick={() => void exportOnnx()} disabled={!hasRun && !busy} title="the probed encoder as ONNX: pixels [batch,3,H,W] → tokens, pooled">
          Export ONNX
        </button>
        <QueuedNote label="Export ONNX" />
        <button type="button" onClick={exportCsv} disabled={!hasMetrics}>
          Export CSV
        </button>
        <button type="button" onClick={exportJson} disabled={!hasMetrics}>
          Export JSON
        </button>
      </div>
      <div className="field">
        <label htmlFor={fileId}>Import weights (.safetensors)</label>
        <input
          id={fileId}
          type="file"
          accept=".safetensors"
          disabled={!hasRun && !busy}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importWeights(f, load);
          }}
        />
      </div>
      <div className="field field-check">
        <input id={loadId} type="checkbox" checked={load} onChange={(e) => setLoad(e.target.checked)} />
        <label htmlFor={loadId}>Continue training from imported weights (unchecked: inspect only)</label>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {weights ? (
        <details className="weights-summary" open={!weights.loaded}>
          <summary>
            {weights.loaded ? 'Loaded' : 'Inspected'} {weights.tensors.length} tensors
            {weights.metadata.step ? ` (saved at step ${weights.metadata.step})` : ''}
            {weights.config ? `: ${weights.config.mode}, ${weights.config.preset}, K=${weights.config.latentDim}, ${weights.config.grouping}` : ''}
            {weights.loaded ? '. Training continues from these weights (fresh optimiser, schedules from step 0).' : ''}
          </summary>
          <table>
            <thead>
              <tr>
                <th>name</th>
                <th>shape</th>
                <th>dtype</th>
              </tr>
            </thead>
            <tbody>
              {weights.tensors.map((t) => (
                <tr key={t.name}>
                  <td>{t.name}</td>
                  <td>[{t.shape.join(', ')}]</td>
                  <td>{t.dtype}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </fieldset>
  );
}
