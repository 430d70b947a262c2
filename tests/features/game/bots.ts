/**
 * Seeded bots for the replay tests: they join, steer (mostly towards the
 * nearest orb, so rounds end), leave, disconnect and resume at random but
 * reproducibly, through the manager as the event layer would.
 */
import type { GameConnection } from "../../../server/features/game";
import { MemoryRoundArchive } from "../../../server/features/game/archive";
import { GameManager } from "../../../server/features/game/manager";
import type { GameOptions } from "../../../server/features/game/options";
import { seededRandom, type Random } from "../../../server/features/game/rng";
import type { GameRoom } from "../../../server/features/game/room";
import type { Direction } from "../../../server/protocol";
import { ManualClock, RecordingTransport, user } from "./support";

export const TICK = 50;

type BotState = "out" | "seated" | "away";
interface Bot {
  user: { id: string; name: string };
  connection: GameConnection;
  state: BotState;
  seq: number;
  tabs: number;
}

const sign = (v: number) => (v > 4 ? 1 : v < -4 ? -1 : 0) as -1 | 0 | 1;

export function arena(seed: number, overrides: Partial<GameOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const archive = new MemoryRoundArchive({ perGame: 10_000, total: 100_000 });
  const games = new GameManager({
    transport,
    clock,
    archive,
    random: seededRandom(seed),
    wallClock: () => 1_700_000_000_000 + clock.now(),
    options: { winScore: 4, restartDelayMs: 300, reservationMs: 400, emptyGameTtlMs: 60_000, ...overrides },
  });
  return { clock, transport, archive, games };
}

/**
 * Plays `seconds` of one game (a new one whenever everyone has left) with
 * `count` bots; `watcher` spectates throughout. Returns the rooms played in.
 */
export function playBots(
  a: ReturnType<typeof arena>,
  seed: number,
  seconds: number,
  count = 8,
  watcher: GameConnection = { id: "watch" },
): GameRoom[] {
  const rnd: Random = seededRandom(seed ^ 0x9e3779b9);
  const bots: Bot[] = Array.from({ length: count }, (_, i) => ({
    user: user(`u${i}`, `Bot ${i}`),
    connection: { id: `b${i}.0` },
    state: "out",
    seq: 0,
    tabs: 0,
  }));
  const rooms: GameRoom[] = [];
  let room: GameRoom | undefined;
  const seat = (bot: Bot) => {
    bot.connection = { id: `${bot.user.id}.${++bot.tabs}` };
    a.games.join(room!.id, bot.user, bot.connection);
    bot.state = "seated";
    bot.seq = 0;
  };
  for (let t = 0; t < (seconds * 1000) / TICK; t++) {
    if (!room || room.disposed) {
      room = a.games.create({ maxPlayers: count });
      rooms.push(room);
      for (const bot of bots) bot.state = "out";
      seat(bots[Math.floor(rnd() * count)]);
      a.games.spectate(room.id, watcher);
    }
    for (const bot of bots) {
      const roll = rnd();
      if (bot.state === "out") {
        if (roll < 0.02) seat(bot);
      } else if (bot.state === "away") {
        if (!room.hasSeatFor(bot.user.id))
          bot.state = "out"; // the held seat expired
        else if (roll < 0.12) seat(bot);
      } else if (roll < 0.004) {
        a.games.leave(bot.connection);
        bot.state = "out";
      } else if (roll < 0.008) {
        a.games.disconnect(bot.connection);
        bot.state = "away";
      } else if (roll < 0.4) {
        a.games.input(bot.connection, ++bot.seq, steer(room, bot, rnd));
      }
      if (room.disposed) break;
    }
    a.clock.advance(TICK);
  }
  return rooms;
}

function steer(room: GameRoom, bot: Bot, rnd: Random): Direction {
  const me = bot.connection.seat && room.world.players.get(bot.connection.seat.playerId);
  if (!me || rnd() < 0.2) return { x: (Math.floor(rnd() * 3) - 1) as -1 | 0 | 1, y: (Math.floor(rnd() * 3) - 1) as -1 | 0 | 1 };
  let best: { x: number; y: number } | undefined;
  let bestD = Infinity;
  for (const orb of room.world.orbs.values()) {
    const d = (orb.x - me.x) ** 2 + (orb.y - me.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = orb;
    }
  }
  return best ? { x: sign(best.x - me.x), y: sign(best.y - me.y) } : { x: 0, y: 0 };
}
