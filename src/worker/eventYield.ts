// Yield to the event loop between two steps of a run, so queued commands (a Pause, a λ change)
// land: a macrotask through a MessageChannel, without setTimeout's clamping to 4 ms.

/** A yield of its own channel: each call resolves on the next macrotask. */
export function macrotaskYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiters: (() => void)[] = [];
  channel.port1.onmessage = () => waiters.shift()?.();
  return () =>
    new Promise((resolve) => {
      waiters.push(resolve);
      channel.port2.postMessage(0);
    });
}
