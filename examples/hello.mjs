// A plain Node script on the Parlor SDK (no TypeScript, no tsx).
//
//   npm run build                      # compiles the SDK to dist/client/sdk
//   npm run dev                        # a server on http://localhost:3000 (another terminal)
//   node examples/hello.mjs [url]
//
// It joins #lobby, prints what arrives for a few seconds, sends a message,
// shows a ParlorError, searches, and exits.
import { connectParlor, ParlorError } from "../dist/client/sdk/index.js";

const url = process.argv[2] ?? process.env.PARLOR_URL ?? "http://localhost:3000";
const listenMs = Number(process.env.HELLO_LISTEN_MS ?? 3000);

const parlor = await connectParlor({ url, name: "hello-script" });
console.log(`connected as ${parlor.user.name} (${parlor.user.id})`);

// Live messages, and after a reconnect the ones missed meanwhile: each once.
parlor.on("message", (m) => console.log(`#${m.room} ${m.user.name}: ${m.text}`));

const { members, messages } = await parlor.join("lobby");
console.log(`joined #lobby: ${members.length} here, ${messages.length} recent messages`);

// Stored before it resolves; a lost ack is retried with the same clientId.
const sent = await parlor.send("lobby", "hello from examples/hello.mjs");
console.log(`sent message #${sent.seq}`);

try {
  await parlor.send("not-joined", "hi");
} catch (err) {
  if (!(err instanceof ParlorError)) throw err;
  console.log(`expected error: ${err.code} (${err.message})`);
}

const results = await parlor.search("hello", { room: "lobby", limit: 3 });
console.log(`search "hello": ${results.length} result(s)`);

await new Promise((resolve) => setTimeout(resolve, listenMs));
parlor.close();
