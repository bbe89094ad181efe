/**
 * When a long-running command (`motif worker`, `motif serve`) must stop: SIGINT, SIGTERM or SIGHUP,
 * or its parent going away. `npx motif …` runs the command under `npm exec`, which forwards signals
 * to its child: the project's .npmrc sets `script-shell=/bin/bash`, which execs a single command,
 * so that child is this process. Under a shell that stays in between (dash), the signal kills the
 * shell and this process is re-parented: the parent watch stops it then, instead of leaving it
 * running orphaned on its ports.
 */
export function stopSignal(): { stopped: Promise<string>; dispose(): void } {
  let resolve!: (why: string) => void;
  const stopped = new Promise<string>((r) => (resolve = r));
  const parent = process.ppid;
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((signal) => {
    const handler = () => resolve(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const watch = setInterval(() => {
    if (process.ppid !== parent) resolve("parent exited");
  }, 500);
  watch.unref();
  const dispose = () => {
    clearInterval(watch);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  void stopped.then(dispose);
  return { stopped, dispose };
}
