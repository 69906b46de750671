// Every command ends the same way: a clear one-line error and a non-zero exit, no stack trace.
import { UsageError } from './args';

export function runMain(name: string, fn: (argv: string[]) => Promise<unknown>): void {
  fn(process.argv.slice(2)).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    console.error(`${name}: ${err.message}`);
    if (process.env.DEBUG) console.error(err.stack);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}
