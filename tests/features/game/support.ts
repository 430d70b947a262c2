/**
 * Game test support: a manual clock (time moves only when a test says so) and
 * a transport that records what the game sends instead of using sockets.
 */
import type { Clock, TimerHandle } from "../../../server/features/game/clock";
import type { GameEmitter, GameEvent, GamePayload, GameTransport } from "../../../server/features/game/transport";
import type { GameConnection } from "../../../server/features/game";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private t = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  /** `lateness`: every timer fires this much after its due time, as an overloaded host would. */
  constructor(private readonly lateness = 0) {}

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.t + Math.max(0, ms) + this.lateness, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward without firing anything, as a blocked event loop would. */
  jump(ms: number): void {
    this.t += ms;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.timers.values()) if (timer.at <= end && (!next || timer.at < next.at)) next = timer;
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}

export interface Sent {
  to: string;
  event: GameEvent;
  payload: unknown;
}

export class RecordingTransport implements GameTransport {
  readonly groups = new Map<string, Set<string>>();
  sent: Sent[] = [];

  join(connectionId: string, gameId: string): void {
    if (!this.groups.has(gameId)) this.groups.set(gameId, new Set());
    this.groups.get(gameId)!.add(connectionId);
  }

  leave(connectionId: string, gameId: string): void {
    this.groups.get(gameId)?.delete(connectionId);
  }

  toGame(gameId: string): GameEmitter {
    return this.recorder(() => this.groups.get(gameId) ?? []);
  }

  toConnection(connectionId: string): GameEmitter {
    return this.recorder(() => [connectionId]);
  }

  private recorder(to: () => Iterable<string>): GameEmitter {
    return {
      emit: (event, ...[payload]) => {
        for (const id of to()) this.sent.push({ to: id, event, payload });
        return true;
      },
    };
  }

  /** Payloads of `event` sent to `connectionId`, in order. */
  received<K extends GameEvent>(connectionId: string, event: K): GamePayload<K>[] {
    return this.sent.filter((s) => s.to === connectionId && s.event === event).map((s) => s.payload as GamePayload<K>);
  }

  clear(): void {
    this.sent = [];
  }
}

export const conn = (id: string): GameConnection => ({ id });
export const user = (id: string, name = id) => ({ id, name });
