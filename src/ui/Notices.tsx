// Problems with the settings read from the URL.
import { useLab } from '../store/run/state';

export function Notices() {
  const urlErrors = useLab((s) => s.urlErrors);
  if (!urlErrors.length) return null;
  return (
    <div className="notices" role="alert">
      <p>Some settings in the address were not used:</p>
      <ul>
        {urlErrors.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
      <button type="button" onClick={() => useLab.setState({ urlErrors: [] })}>
        Dismiss
      </button>
    </div>
  );
}
