/**
 * The root namespace `/`. Parlor has no events there, but it keeps accepting
 * connections (load tools and `io(url)` land there first): every event that
 * asks for an ack answers UNKNOWN_EVENT naming the namespaces that do have
 * events, instead of leaving the caller waiting forever. Events still go
 * through `guard`, so the root namespace is no free flood either.
 */
import type { Namespace } from "socket.io";
import { toAckError } from "../errors";
import type { Ack } from "../protocol";
import type { Guard } from "../realtime/registry";

export const PARLOR_NAMESPACES = ["/chat", "/game", "/system"] as const;

const WRONG_NAMESPACE: Ack<never> = {
  ok: false,
  error: {
    code: "UNKNOWN_EVENT",
    message: `the root namespace has no events: connect to ${PARLOR_NAMESPACES.join(", ")} (e.g. io("http://host:3000/chat", { auth: { token } }))`,
    details: { namespaces: [...PARLOR_NAMESPACES] },
  },
};

/**
 * @example
 * attachRoot(io.of("/"), security.guard("root"));
 */
export function attachRoot(root: Namespace, guard: Guard<undefined>): void {
  root.on("connection", (socket) => {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      void (async () => {
        try {
          await guard({ event: String(event).slice(0, 64) }, undefined, socket);
        } catch (err) {
          if (typeof ack === "function") ack({ ok: false, error: toAckError(err) });
          return;
        }
        if (typeof ack === "function") ack(WRONG_NAMESPACE);
      })();
    });
  });
}
