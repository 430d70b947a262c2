/**
 * The baseline: a bare Socket.IO 4 server speaking just enough of Parlor's
 * `/chat` protocol for the benchmarks — `room:join` joins the room,
 * `message:send` does `socket.to(room).emit("message:new", message)` and
 * acks. No auth, no validation, no storage, no rate limits: what Parlor
 * costs on top is exactly what the benchmarks measure.
 */
import http from "node:http";
import { Server } from "socket.io";

type Ack = (res: unknown) => void;

const port = Number(process.env.PORT ?? 3001);
const httpServer = http.createServer();
const io = new Server(httpServer, { maxHttpBufferSize: 64 * 1024, serveClient: false });
let seq = 0;

io.of("/chat").on("connection", (socket) => {
  const user = { id: socket.id, name: "bench" };
  socket.on("room:join", (payload: { room: string }, ack?: Ack) => {
    void socket.join(payload.room);
    ack?.({ ok: true, data: { room: payload.room, members: [], messages: [], hasMore: false } });
  });
  socket.on("message:send", (payload: { room: string; text: string; clientId?: string }, ack?: Ack) => {
    seq++;
    const message = { id: `m_${seq}`, room: payload.room, seq, user, text: payload.text, ts: Date.now(), clientId: payload.clientId };
    socket.to(payload.room).emit("message:new", message);
    ack?.({ ok: true, data: { message } });
  });
});

httpServer.listen(port, "127.0.0.1");

// Exit normally on SIGTERM so `--cpu-prof` can write its profile.
process.once("SIGTERM", () => process.exit(0));
