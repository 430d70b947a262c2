/**
 * Type-level tests of the `/game` contract, checked by `tsc --noEmit`: a wrong
 * payload must not compile against the event maps. Nothing here runs.
 */
import type { Socket } from "socket.io-client";
import type { GameClientToServerEvents, GameServerToClientEvents } from "../../../server/protocol";

declare const game: Socket<GameServerToClientEvents, GameClientToServerEvents>;

export async function gameContractChecks() {
  const joined = await game.emitWithAck("game:join", { gameId: "g1" });
  if (joined.ok) {
    const x: number = joined.data.state.players[0].x;
    const status: "waiting" | "playing" = joined.data.game.status;
    void [x, status];
  }
  game.emit("game:input", { seq: 1, dir: { x: -1, y: 1 } });
  game.on("game:over", (over) => {
    // Optional: only a game that ended without a win (its node stopped or was lost) has one.
    const reason: string | undefined = over.reason;
    void reason;
  });
  game.on("game:delta", (d) => {
    const ack: number = d.ackSeq;
    const moved: number | undefined = d.moved?.[0].vx;
    void [ack, moved];
  });

  // @ts-expect-error a direction axis is -1, 0 or 1
  game.emit("game:input", { seq: 1, dir: { x: 2, y: 0 } });
  // @ts-expect-error clients send intent, never a position
  game.emit("game:input", { seq: 1, x: 10, y: 10 });
  // @ts-expect-error maxPlayers is a number
  game.emit("game:create", { maxPlayers: "8" }, () => {});
  // @ts-expect-error game:join needs a gameId
  game.emit("game:join", {}, () => {});
  // @ts-expect-error no such event in the contract
  game.emit("game:teleport", { x: 1 });
  // @ts-expect-error game:over.reason is optional: it may be undefined
  game.on("game:over", (over) => void (over.reason satisfies string));
  // @ts-expect-error game:over carries a winner Player, not an id
  game.on("game:over", (p: { winner: string }) => void p);
}
