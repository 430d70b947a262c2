/**
 * A tiny typed event emitter. Not Node's EventEmitter: an "error" event
 * without a listener must not crash a script, and the SDK should not depend
 * on Node-only modules.
 */
export type Listener<A> = (arg: A) => void;

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<any>>>();

  /**
   * Calls `fn` for every `event`; returns a function that removes it.
   *
   * @example
   * const off = parlor.on("message", (m) => console.log(m.text));
   * off();
   */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  /**
   * Calls `fn` for the next `event` only.
   *
   * @example
   * parlor.once("reconnect", () => console.log("back"));
   */
  once<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    const off = this.on(event, (arg) => {
      off();
      fn(arg);
    });
    return off;
  }

  /**
   * Removes a listener added with `on`.
   *
   * @example
   * parlor.off("message", onMessage);
   */
  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(fn);
  }

  protected emit<K extends keyof Events>(event: K, arg: Events[K]): void {
    // Copy first: a listener may remove itself (once) while we iterate.
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(arg);
      } catch (err) {
        // A throwing user callback must not break delivery to the others.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
