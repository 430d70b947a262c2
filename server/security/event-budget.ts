/**
 * The cheap event budgets, checked by the registry before anything else
 * (see `Admission` in realtime/registry.ts):
 * - `/system` has no user, so every event is budgeted per connection AND per
 *   client address; two raw WebSockets sending `system:state` as fast as they
 *   could (53k acks/s) used to stall every other user.
 * - `game:input` (exempt from the per-user limit, which would answer each
 *   excess input) is budgeted per connection and dropped before validation.
 * Each keeps counting refusals per key (the address on `/system`, the user on
 * `/game`) and disconnects the sockets of a key that keeps sending far above
 * its budget (flood-cutoff.ts).
 */
import type { Socket } from "socket.io";
import type { Budget, Limits } from "../config";
import type { Logger } from "../logger";
import type { AckError } from "../protocol";
import type { Admission } from "../realtime/registry";
import type { AddressOf } from "./client-address";
import { FloodCutoff } from "./flood-cutoff";
import { FLOOD_STRIKES_PER_BURST, FLOOD_WINDOW_SECONDS } from "./rate-limit";
import type { SampledLog } from "./sampled-log";
import { Bucket, KeyedBuckets } from "./token-bucket";

export interface EventBudgets {
  /** `/system`: every event (unknown ones included), per connection and per client address. */
  system: Admission;
  /** `/game`: the events exempt from the per-user limit (`game:input`), per connection, before validation. */
  gameInput: Admission;
}

const FLOODING: AckError = {
  code: "RATE_LIMITED",
  message: "flooding: disconnecting",
  details: { retryAfterMs: FLOOD_WINDOW_SECONDS * 1000 },
};
const refused = (retryAfterMs: number): AckError => ({
  code: "RATE_LIMITED",
  message: "too many events: slow down",
  details: { retryAfterMs },
});

/** A socket's client address, resolved once per socket (proxy-addr is not free). */
export function socketAddresses(addressOf: AddressOf): (socket: Socket) => string {
  const cache = new WeakMap<Socket, string>();
  return (socket) => {
    let address = cache.get(socket);
    if (address === undefined) cache.set(socket, (address = addressOf(socket.request)));
    return address;
  };
}

/** Buckets that live exactly as long as their socket. */
function perSocket(budget: Budget): (socket: Socket, now: number) => number {
  const buckets = new WeakMap<Socket, Bucket>();
  return (socket, now) => {
    let bucket = buckets.get(socket);
    if (!bucket) buckets.set(socket, (bucket = new Bucket(budget, now)));
    return bucket.take(now);
  };
}

function cutoffFor(budget: Budget, log: Logger, sampled: SampledLog): FloodCutoff {
  return new FloodCutoff({
    threshold: Math.max(1, FLOOD_STRIKES_PER_BURST * budget.burst),
    windowMs: FLOOD_WINDOW_SECONDS * 1000,
    // At once, unlike the chat cut-off: these events store nothing that could be
    // half done, and each one answered while waiting is work the flooder chose.
    graceMs: 0,
    log,
    sampled,
  });
}

/**
 * @example
 * const budgets = createEventBudgets(config.limits, log, clientAddressResolver(config.trustProxy), sampled);
 * registerEvents(socket, systemEvents, ctx, log, { admit: [budgets.system] });
 */
export function createEventBudgets(limits: Limits, log: Logger, addressOf: AddressOf, sampled: SampledLog): EventBudgets {
  const address = socketAddresses(addressOf);

  const systemConnection = perSocket(limits.system.perConnection);
  const systemAddress = new KeyedBuckets(limits.system.perAddress);
  const biggerBurst = Math.max(limits.system.perConnection.burst, limits.system.perAddress.burst);
  const systemCutoff = cutoffFor({ perSecond: limits.system.perAddress.perSecond, burst: biggerBurst }, log, sampled);

  const inputConnection = perSocket(limits.gameInput);
  const inputCutoff = cutoffFor(limits.gameInput, log, sampled);

  return {
    system(event, socket) {
      if (systemCutoff.isCuttingOff(socket)) return FLOODING;
      const now = performance.now();
      const ip = address(socket);
      // A connection already over its own budget does not also spend its address's:
      // one flooding socket must not starve the other sockets behind the same NAT.
      const wait = systemConnection(socket, now) || systemAddress.take(ip, now);
      if (wait === 0) return undefined;
      systemCutoff.strike(`ip:${ip}`, socket, event.event, now);
      return refused(wait);
    },
    gameInput(event, socket) {
      if (event.rateLimited !== false) return undefined;
      if (inputCutoff.isCuttingOff(socket)) return FLOODING;
      const now = performance.now();
      const wait = inputConnection(socket, now);
      if (wait === 0) return undefined;
      const user = (socket.data as { user?: { id?: string } }).user?.id;
      inputCutoff.strike(user ? `user:${user}` : `ip:${address(socket)}`, socket, event.event, now);
      return refused(wait);
    },
  };
}
