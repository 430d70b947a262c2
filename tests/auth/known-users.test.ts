/**
 * Known users on a real SQLite store: first-time users arriving together are
 * stored in one transaction before anyone's handshake goes on, a known user
 * costs no write, and flush() stores what is waiting at once.
 */
import path from "node:path";
import { knownUsers } from "../../server/auth/known-users";
import type { User } from "../../server/protocol";
import { openSqliteStore, type SqliteStore } from "../../server/storage/sqlite";
import { tempDir } from "../helpers";

let store: SqliteStore;
beforeEach(() => (store = openSqliteStore(path.join(tempDir(), "parlor.db"))));
afterEach(() => store.close());

const user = (i: number): User => ({ id: `u_${i}`, name: `User ${i}` });
const users = (n: number) => Array.from({ length: n }, (_, i) => user(i + 1));

test("first-time users within the window share one commit, and each is stored when its promise resolves", async () => {
  const known = knownUsers(store, { windowMs: 20 });
  const before = store.commitStats().commits;
  const arrivals = users(40).map(async (u, i) => {
    // Spread over several event-loop turns, as handshakes arrive.
    await new Promise((r) => setTimeout(r, i % 5));
    await known.remember(u);
    return store.getUser(u.id);
  });
  expect(await Promise.all(arrivals)).toEqual(users(40));
  expect(store.commitStats().commits - before).toBe(1);
});

test("a user already stored by this process costs no write; a new name for a new id does", async () => {
  const known = knownUsers(store, { windowMs: 5 });
  await known.remember(user(1));
  const before = store.commitStats().commits;
  await Promise.all([known.remember(user(1)), known.remember(user(1))]);
  expect(store.commitStats().commits).toBe(before);
  await known.remember(user(2));
  expect(store.commitStats().commits).toBe(before + 1);
  expect(await store.getUser("u_2")).toEqual(user(2));
});

test("flush() stores the waiting users at once and settles their promises", async () => {
  const known = knownUsers(store, { windowMs: 60_000 });
  const waiting = known.remember(user(7));
  expect(await store.getUser("u_7")).toBeUndefined();
  await known.flush();
  await waiting;
  expect(await store.getUser("u_7")).toEqual(user(7));
});

test("a failed write rejects every waiter of that batch (the handshake fails; nothing is marked stored)", async () => {
  const known = knownUsers(store, { windowMs: 5 });
  await store.close();
  await expect(Promise.all([known.remember(user(1)), known.remember(user(2))])).rejects.toThrow(/closed/);
  // Not remembered as stored: the next attempt writes (and fails) again instead of resolving at once.
  await expect(known.remember(user(1))).rejects.toThrow(/closed/);
});
