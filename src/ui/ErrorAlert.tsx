// A command's error, announced (role="alert") where the command's controls are; nothing when none.
export function ErrorAlert({ error, label }: { error: string | null | undefined; label?: string }) {
  return error ? (
    <p className="error" role="alert" aria-label={label}>
      {error}
    </p>
  ) : null;
}
