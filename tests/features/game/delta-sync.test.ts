/**
 * The sync contract without sockets: a client that applies, in order, the
 * game:state and game:delta events it was sent (with the shared game-sync
 * module) holds exactly the server's state after every tick, through joins,
 * leaves, scoring and round restarts.
 */
import { GameManager, type GameConnection } from "../../../server/features/game";
import { seededRandom } from "../../../server/features/game/rng";
import type { GameDelta, Snapshot } from "../../../server/protocol";
import { advance, applyDelta, fromSnapshot, toSnapshot, type SyncState } from "../../../static/game-sync";
import { conn, ManualClock, RecordingTransport, user } from "./support";

test.each([1, 2, 3])("seed %i: snapshot + deltas = server state at every tick", (seed) => {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const random = seededRandom(seed);
  const games = new GameManager({
    transport,
    clock,
    random,
    options: { orbCap: 30, winScore: 3, restartDelayMs: 300, playerSpeed: 400 },
  });
  const room = games.create({ maxPlayers: 8 });
  const watcher = conn("watcher");
  const players = new Map<string, { connection: GameConnection; seq: number }>();
  let state: SyncState | undefined;
  let cursor = 0;
  let rounds = 0;
  const sync = () => {
    for (; cursor < transport.sent.length; cursor++) {
      const { to, event, payload } = transport.sent[cursor];
      if (to !== watcher.id) continue;
      if (event === "game:state") state = fromSnapshot(payload as Snapshot);
      if (event === "game:delta") applyDelta(state!, payload as GameDelta);
      if (event === "game:over") rounds++;
    }
  };
  const axis = () => (Math.floor(random() * 3) - 1) as -1 | 0 | 1;

  room.join(user("w", "Watcher"), watcher);
  for (let t = 0; t < 600; t++) {
    // Players come and go between ticks, and steer at random.
    if (random() < 0.05 && players.size < 7) {
      const connection = conn(`c${t}`);
      games.join(room.id, user(connection.id), connection);
      players.set(connection.id, { connection, seq: 0 });
    }
    if (random() < 0.01 && players.size > 0) {
      const [first] = players.values();
      games.leave(first.connection);
      players.delete(first.connection.id);
    }
    for (const p of players.values()) {
      if (random() < 0.2) games.input(p.connection, ++p.seq, { x: axis(), y: axis() });
    }
    clock.advance(50);
    sync();
    // Ticks where nothing unpredictable happened send nothing: the client moves players on by itself.
    advance(state!, room.world.tick);
    expect(toSnapshot(state!)).toEqual(room.snapshot());
  }
  // The run went through at least one game:over and resync.
  expect(rounds).toBeGreaterThan(0);
});
