// What every layer says about a failure it passes on: the message of whatever was thrown.

/** The message of an Error, or the thrown value as text. */
export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
