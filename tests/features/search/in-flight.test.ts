/**
 * One search in flight per user, on a real SQLite store: a second search by
 * the same user before the first answered is RATE_LIMITED with a reason and
 * a retry delay; other users are not affected; once answered, the user may
 * search again.
 */
import path from "node:path";
import { oneAtATime } from "../../../server/features/search/in-flight";
import { openSqliteStore, type SqliteStore } from "../../../server/storage/sqlite";
import { tempDir } from "../../helpers";

let store: SqliteStore;
beforeAll(async () => {
  store = openSqliteStore(path.join(tempDir(), "parlor.db"));
  await store.appendMessage({ room: "lobby", user: { id: "u_ada", name: "Ada" }, text: "hello there" });
});
afterAll(() => store.close());

const search = () => store.search("hello", ["lobby"], 10);

test("a second search by the same user while the first runs is RATE_LIMITED; another user's is not", async () => {
  const first = oneAtATime(store, "u_ada", search);
  await expect(oneAtATime(store, "u_ada", search)).rejects.toMatchObject({
    code: "RATE_LIMITED",
    details: { reason: "search in flight", retryAfterMs: expect.any(Number) },
  });
  const other = oneAtATime(store, "u_bob", search);
  expect((await first).map((r) => r.snippet)).toEqual(["[hello] there"]);
  expect(await other).toHaveLength(1);
  // Answered: the slot is free again, also after a failed search.
  await expect(oneAtATime(store, "u_ada", () => store.search("*", ["lobby"], 10))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  expect(await oneAtATime(store, "u_ada", search)).toHaveLength(1);
});
