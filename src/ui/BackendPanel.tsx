// Backend control (auto or forced; also ?backend= in the URL) and what is in use, and why.
import { useId } from 'react';
import { changeBackend } from '../store/keeping/commands';
import { useLab } from '../store/run/state';
import { BACKEND_REQUESTS, type BackendRequest } from '../store/urlState';
import { describeAdapterText } from '../worker/adapter';
import { BACKEND_LABELS } from './format';
import { ErrorAlert } from './ErrorAlert';

export function BackendPanel() {
  const id = useId();
  const request = useLab((s) => s.backendRequest);
  const info = useLab((s) => s.backend);
  const status = useLab((s) => s.workerStatus);
  const error = useLab((s) => s.workerError);
  const running = useLab((s) => s.runState === 'running');
  return (
    <section className="backend">
      <div className="field">
        <label htmlFor={id}>Backend</label>
        <select id={id} value={request} disabled={running || status === 'starting'} onChange={(e) => void changeBackend(e.target.value as BackendRequest)}>
          {BACKEND_REQUESTS.map((b) => (
            <option key={b} value={b}>
              {b === 'auto' ? 'Automatic' : BACKEND_LABELS[b]}
            </option>
          ))}
        </select>
      </div>
      <div className="backend-info" aria-label="Device in use" data-backend={info?.backend ?? ''}>
        {status === 'starting' ? <p>Starting the worker…</p> : null}
        {info ? (
          <>
            <p>
              Using <strong>{BACKEND_LABELS[info.backend]}</strong>
              {info.wasm ? ` (${info.wasm.simd ? 'SIMD' : 'no SIMD'}, ${info.wasm.threads ? `${info.wasm.threadCount} thread${info.wasm.threadCount === 1 ? '' : 's'}` : 'single-threaded'})` : ''}
              {info.requested !== 'auto' ? `, forced by the Backend control` : ', chosen automatically'}
            </p>
            {info.wasm?.note ? <p className="hint">WASM {info.wasm.note}</p> : null}
            <p>WebGPU adapter: {info.adapter ? describeAdapterText(info.adapter) : 'none'}</p>
            {info.fallbacks.length ? (
              <ul className="fallbacks" aria-label="Why a fallback was taken">
                {info.fallbacks.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
        <ErrorAlert error={error} />
      </div>
    </section>
  );
}
