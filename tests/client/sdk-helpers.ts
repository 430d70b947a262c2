/** Test support for the SDK: clients tracked for cleanup, and waiting on SDK events. */
import { connectParlor, type ConnectParlorOptions, type Parlor, type ParlorEvents } from "../../client/sdk";

/** Resolves with the next `event` that satisfies `match` (rejects after `timeoutMs`). */
export function nextEvent<K extends keyof ParlorEvents>(
  parlor: Parlor,
  event: K,
  match: (arg: ParlorEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<ParlorEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for "${String(event)}"`))), timeoutMs);
    const off = parlor.on(event, (arg) => {
      if (!match(arg)) return;
      clearTimeout(timer);
      off();
      resolve(arg);
    });
  });
}

/** Every `event` from now on, in arrival order. */
export function collect<K extends keyof ParlorEvents>(parlor: Parlor, event: K): ParlorEvents[K][] {
  const seen: ParlorEvents[K][] = [];
  parlor.on(event, (arg) => seen.push(arg));
  return seen;
}

/** connectParlor, remembering each client so `closeAll` can close it. */
export function clientPool() {
  const clients: Parlor[] = [];
  return {
    async connect(opts: ConnectParlorOptions): Promise<Parlor> {
      const parlor = await connectParlor(opts);
      clients.push(parlor);
      return parlor;
    },
    closeAll(): void {
      for (const c of clients) c.close();
      clients.length = 0;
    },
  };
}
