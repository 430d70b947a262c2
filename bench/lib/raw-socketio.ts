/**
 * A minimal Socket.IO v4 client over one `ws` WebSocket, for load
 * generation only: connect to a namespace with auth, emit with an ack,
 * receive events, answer pings. It costs a fraction of socket.io-client's
 * CPU and memory per socket, so thousands of them on a 2-core machine
 * measure the server rather than the load generator. Text packets only.
 *
 * Wire format (engine.io v4 + socket.io v5): `0{open}`, `2` ping / `3` pong,
 * `40/chat,{auth}` connect, `44/chat,{error}` refused, `42/chat,<id>["ev",payload]`
 * event, `43/chat,<id>[ack]` ack.
 */
import WebSocket from "ws";

export interface RawSocket {
  /** Emits an event and resolves with the first argument of its ack. */
  emitWithAck(event: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  on(event: string, fn: (payload: any) => void): void;
  readonly connected: boolean;
  close(): void;
}

/** Refused handshake: `message` is the server's code (e.g. UNAUTHORIZED). */
export class ConnectError extends Error {}

/**
 * @example
 * const socket = await connectRaw("http://127.0.0.1:3000", "/chat", { token });
 * await socket.emitWithAck("room:join", { room: "lobby" });
 */
export function connectRaw(url: string, nsp: string, auth: Record<string, unknown>, timeoutMs = 20_000): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  const prefix = `${nsp},`;
  const handlers = new Map<string, (payload: unknown) => void>();
  const acks = new Map<number, { resolve(v: unknown): void; timer: ReturnType<typeof setTimeout> }>();
  let nextAck = 0;
  let connected = false;

  const socket: RawSocket = {
    get connected() {
      return connected;
    },
    emitWithAck(event, payload, ackTimeoutMs = 10_000) {
      const id = nextAck++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (acks.delete(id), reject(new Error("ack timed out"))), ackTimeoutMs);
        acks.set(id, { resolve, timer });
        ws.send(`42${prefix}${id}${JSON.stringify([event, payload])}`);
      });
    },
    on: (event, fn) => void handlers.set(event, fn),
    close() {
      connected = false;
      for (const { timer } of acks.values()) clearTimeout(timer);
      acks.clear();
      ws.terminate();
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (ws.terminate(), reject(new Error("handshake timed out"))), timeoutMs);
    const fail = (err: Error) => (clearTimeout(timer), ws.terminate(), reject(err));
    ws.on("error", fail);
    ws.on("close", () => {
      connected = false;
      fail(new Error("closed during handshake"));
    });
    ws.on("message", (raw: Buffer) => {
      const text = raw.toString();
      const type = text[0];
      if (type === "2") return void ws.send("3");
      if (type === "0") return void ws.send(`40${prefix}${JSON.stringify(auth)}`);
      if (type !== "4" || !text.startsWith(prefix, 2)) return;
      const body = text.slice(2 + prefix.length);
      switch (text[1]) {
        case "0":
          connected = true;
          clearTimeout(timer);
          ws.off("error", fail);
          ws.on("error", () => socket.close());
          resolve(socket);
          return;
        case "4":
          return fail(new ConnectError((JSON.parse(body) as { message?: string }).message ?? "refused"));
        case "2": {
          const [event, payload] = JSON.parse(body.slice(body.indexOf("["))) as [string, unknown];
          handlers.get(event)?.(payload);
          return;
        }
        case "3": {
          const bracket = body.indexOf("[");
          const id = Number(body.slice(0, bracket));
          const pending = acks.get(id);
          if (!pending) return;
          acks.delete(id);
          clearTimeout(pending.timer);
          pending.resolve((JSON.parse(body.slice(bracket)) as unknown[])[0]);
          return;
        }
      }
    });
  });
}
