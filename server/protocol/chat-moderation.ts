/**
 * The `/chat` events of PROTOCOL v2 "Rooms v2: owners, topic, slow mode" and
 * "Moderation": room info and settings, mutes, kicks, bans, room moderators
 * and the audit log. Spread into the `/chat` contract (chat.ts), so the event
 * maps, validation and `/asyncapi.json` include them like every other event.
 */
import { z } from "zod";
import { RoomName } from "./common";
import { clientEvent, serverEvent } from "./contract";
import { ModActionModel, RoomInfoModel } from "./models";

/** A target user id (as `dm:send`'s `to`). */
const TargetId = z.string().min(1).max(64);
/** At most 200 characters (PROTOCOL). */
export const ModReason = z.string().max(200, "reason is longer than 200 characters");
/** Longest mute or ban with a duration (a year); leave `durationMs` out for an open-ended one. */
export const MAX_MOD_DURATION_MS = 365 * 24 * 3600 * 1000;
const DurationMs = z.number().int().min(1).max(MAX_MOD_DURATION_MS);
/** Slow mode: 0 (off) to one hour. */
export const MAX_SLOW_MODE_MS = 3_600_000;
/** Room topics: 0–200 characters. */
export const MAX_TOPIC = 200;

/** `room:info`: the room's owner, moderators, topic, slow mode and last seq (members only). */
export const RoomInfoRequest = z.strictObject({ room: RoomName });
/** `room:update`: change the topic and/or slow mode (owner, room moderators, global admins/moderators). */
export const RoomUpdate = z.strictObject({
  room: RoomName,
  topic: z.string().max(MAX_TOPIC, `topic is longer than ${MAX_TOPIC} characters`).optional(),
  slowModeMs: z.number().int().min(0).max(MAX_SLOW_MODE_MS).optional(),
});
/** `mod:mute` / `mod:ban`: timed (`durationMs`) or open-ended. */
export const ModTimed = z.strictObject({ room: RoomName, user: TargetId, durationMs: DurationMs.optional(), reason: ModReason.optional() });
/** `mod:kick`. */
export const ModKick = z.strictObject({ room: RoomName, user: TargetId, reason: ModReason.optional() });
/** `mod:unmute`, `mod:unban`, `mod:promote`, `mod:demote`. */
export const ModTarget = z.strictObject({ room: RoomName, user: TargetId });
/** `mod:log`: newest first, `before` an action id from an earlier page. */
export const ModLog = z.strictObject({
  room: RoomName,
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "before must be an action id")
    .optional(),
  limit: z.number().int().min(1).max(100).optional(),
});

const Action = z.object({ action: ModActionModel });
const Info = z.object({ info: RoomInfoModel });

/** Client events, keyed by name (spread into chatContract.client). */
export const moderationClientEvents = {
  "room:info": clientEvent({
    summary:
      "The room's owner, moderators, topic, slow mode and last seq. Members only (FORBIDDEN); NOT_FOUND for a room nobody has joined.",
    payload: RoomInfoRequest,
    ack: Info,
  }),
  "room:update": clientEvent({
    summary:
      "Change the topic (0–200 characters) and/or slowModeMs (0–3,600,000). Owner, room moderators and global admins/moderators only (FORBIDDEN). The room gets room:updated; logged as update.",
    payload: RoomUpdate,
    ack: Info,
  }),
  "mod:mute": clientEvent({
    summary:
      'Mute a user in the room for durationMs (left out: until mod:unmute): their message:send answers FORBIDDEN { reason: "muted", until }. The room and the target get room:moderation.',
    payload: ModTimed,
    ack: Action,
  }),
  "mod:unmute": clientEvent({ summary: "End a user's mute in the room.", payload: ModTarget, ack: Action }),
  "mod:kick": clientEvent({
    summary:
      "Every socket of the target leaves the room and gets room:removed; their membership ends; the room sees room:member-left. They may join again.",
    payload: ModKick,
    ack: Action,
  }),
  "mod:ban": clientEvent({
    summary:
      'A kick, and until it expires (no durationMs: until mod:unban) the target\'s room:join answers FORBIDDEN { reason: "banned", until }.',
    payload: ModTimed,
    ack: Action,
  }),
  "mod:unban": clientEvent({ summary: "End a user's ban from the room.", payload: ModTarget, ack: Action }),
  "mod:promote": clientEvent({
    summary: "Make a user a moderator of the room. Owner and global admins only.",
    payload: ModTarget,
    ack: Action,
  }),
  "mod:demote": clientEvent({
    summary: "Take a user's room moderator role away. Owner and global admins only.",
    payload: ModTarget,
    ack: Action,
  }),
  "mod:log": clientEvent({
    summary: "The room's audit log, newest first (limit 1–100, default 50; before: an action id). Moderators of the room only.",
    payload: ModLog,
    ack: z.object({ entries: z.array(ModActionModel), hasMore: z.boolean() }),
  }),
};

/** Server events, keyed by name (spread into chatContract.server). */
export const moderationServerEvents = {
  "room:updated": serverEvent({
    summary: "The room's topic or slow mode changed (to the room, except the acting socket).",
    payload: RoomInfoModel,
  }),
  "room:moderation": serverEvent({
    summary: "A moderation action, to the room (except the acting socket) and to the target's sockets.",
    payload: ModActionModel,
  }),
  "room:removed": serverEvent({
    summary: "This user was kicked or banned from the room: every socket of theirs has left it.",
    payload: z.object({ room: z.string(), action: ModActionModel }),
  }),
};
