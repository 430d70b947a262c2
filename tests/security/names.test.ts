/**
 * Names cannot hide or reorder characters (so "Alice" is always "Alice"),
 * and message text is well-formed Unicode (so the ack's text is the text
 * history gives back: a lone surrogate cannot be stored as UTF-8).
 */
import { emitAck, okData, setup, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup({ sessionRateLimit: { perMinute: 1000 } })));
afterAll(() => t.cleanup());

const post = (name: string) =>
  fetch(`${t.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });

test.each([
  ["a right-to-left override", "Ali\u202Eecila"],
  ["a bidi embedding", "Al\u202Aice"],
  ["a bidi isolate", "Al\u2067ice"],
  ["a left-to-right mark", "Al\u200Eice"],
  ["a right-to-left mark", "Al\u200Fice"],
  ["an Arabic letter mark", "Al\u061Cice"],
  ["a zero-width space", "Al\u200Bice"],
  ["a zero-width joiner", "Al\u200Dice"],
  ["a word joiner", "Al\u2060ice"],
  ["a zero-width no-break space inside", "Al\uFEFFice"],
  ["a tag character", "Alice\u{E0041}"],
  ["a lone high surrogate", "Alice\uD800"],
  ["a lone low surrogate", "\uDC00Alice"],
])("POST /api/session refuses a name with %s: 400 BAD_REQUEST, field name", async (_label, name) => {
  const res = await post(name);
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST", details: { field: "name" } } });
});

test("names with other scripts, emoji (surrogate pairs) and accents are fine", async () => {
  for (const name of ["Zoë", "Анна", "李雷", "Ada 💻", "O'Brien"]) {
    const res = await post(name);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { user: { name: string } }).user.name).toBe(name);
  }
});

test("a message with a lone surrogate is refused (field text); a valid one comes back from history as acked", async () => {
  const { socket } = await t.connectUser("Writer");
  okData(await emitAck(socket, "room:join", { room: "unicode" }));
  const lone = await emitAck(socket, "message:send", { room: "unicode", text: "broken \uD83D here" });
  expect(lone).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "text" } } });

  const text = "fine 👍 \u202E text may carry bidi marks: clients render it";
  const acked = okData(await emitAck<{ message: { text: string; seq: number } }>(socket, "message:send", { room: "unicode", text }));
  expect(acked.message.text).toBe(text);
  const history = okData(await emitAck<{ messages: { text: string; seq: number }[] }>(socket, "message:history", { room: "unicode" }));
  expect(history.messages.map((m) => m.text)).toEqual([text]);
});

test("a direct message with a lone surrogate is refused too", async () => {
  const a = await t.connectUser("DmA");
  const b = await t.connectUser("DmB");
  const ack = await emitAck(a.socket, "dm:send", { to: b.session.user.id, text: "\uDFFF" });
  expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", details: { field: "text" } } });
});
