import { AppError } from "../../../server/errors";
import { GameManager } from "../../../server/features/game";
import { conn, ManualClock, RecordingTransport, user } from "./support";

function manager() {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  return { clock, transport, games: new GameManager({ transport, clock }) };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return undefined;
};

test("quickplay takes the open game with the most players, then the next, then opens a new one", () => {
  const { games } = manager();
  const small = games.create({ maxPlayers: 2 });
  const big = games.create({ maxPlayers: 3 });
  games.join(small.id, user("u1"), conn("c1"));
  games.join(big.id, user("u2"), conn("c2"));
  games.join(big.id, user("u3"), conn("c3"));

  expect(games.quickplay(user("u4"), conn("c4")).game.id).toBe(big.id);
  expect(games.quickplay(user("u5"), conn("c5")).game.id).toBe(small.id);
  const fresh = games.quickplay(user("u6"), conn("c6")).game;
  expect([small.id, big.id]).not.toContain(fresh.id);
  expect(fresh).toMatchObject({ players: 1, maxPlayers: 8, status: "waiting" });
  games.disposeAll();
});

test("quickplay gives a user back the seat it holds", () => {
  const { games } = manager();
  const c1 = conn("c1");
  const first = games.quickplay(user("u1"), c1);
  games.disconnect(c1);
  expect(games.get(first.game.id)?.hasSeatFor("u1")).toBe(true);
  const other = games.create({ maxPlayers: 2 });
  games.join(other.id, user("u2"), conn("c2"));
  const again = games.quickplay(user("u1"), conn("c1b"));
  expect(again).toMatchObject({ game: { id: first.game.id }, playerId: first.playerId });
  games.disposeAll();
});

test("joining a full game is CONFLICT, an unknown one NOT_FOUND; the user's own held seat is always free", () => {
  const { games } = manager();
  const room = games.create({ maxPlayers: 2 });
  games.join(room.id, user("u1"), conn("c1"));
  games.join(room.id, user("u2"), conn("c2"));
  expect(codeOf(() => games.join(room.id, user("u3"), conn("c3")))).toBe("CONFLICT");
  expect(codeOf(() => games.join("nope", user("u3"), conn("c3")))).toBe("NOT_FOUND");
  expect(codeOf(() => games.join(room.id, user("u2"), conn("c2b")))).toBeUndefined();
  games.disposeAll();
});

test("joining another game leaves the first, but not when the new one is full", () => {
  const { games } = manager();
  const a = games.create();
  const full = games.create({ maxPlayers: 2 });
  const b = games.create();
  games.join(full.id, user("x"), conn("x"));
  games.join(full.id, user("y"), conn("y"));
  const c = conn("c");
  games.join(a.id, user("u"), c);
  expect(codeOf(() => games.join(full.id, user("u"), c))).toBe("CONFLICT");
  expect(c.seat?.gameId).toBe(a.id);
  games.join(b.id, user("u"), c);
  expect(c.seat?.gameId).toBe(b.id);
  expect(a.disposed).toBe(true); // its only player left
  games.disposeAll();
});

test("list shows every game with its seats and status", () => {
  const { games } = manager();
  const room = games.create({ name: "Friday", maxPlayers: 4 });
  games.join(room.id, user("u1"), conn("c1"));
  games.join(room.id, user("u2"), conn("c2"));
  expect(games.list()).toEqual([{ id: room.id, name: "Friday", players: 2, maxPlayers: 4, status: "playing", spectators: 0 }]);
  games.disposeAll();
});

test("disposeAll stops every game and leaves no timer", () => {
  const { clock, games } = manager();
  for (let i = 0; i < 5; i++) games.quickplay(user(`u${i}`), conn(`c${i}`));
  games.create();
  expect(clock.pending).toBeGreaterThan(0);
  games.disposeAll();
  expect(clock.pending).toBe(0);
  expect(games.count).toBe(0);
});
