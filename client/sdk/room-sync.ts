/**
 * Room catch-up (first joins, `sinceSeq` paging, gap repair, delivery once per
 * seq) lives once, in static/room-sync.js, which the chat page loads as is;
 * the SDK uses the same module.
 */
export { RoomSync, RoomTracker, type RoomSyncDeps } from "../../static/room-sync";
