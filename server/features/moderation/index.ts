/** Rooms v2 and moderation: the `/chat` handlers, keyed by event name (spread into namespaces/chat.ts). */
import { modBan } from "./ban";
import { roomInfo } from "./info";
import { modDemote } from "./demote";
import { modKick } from "./kick";
import { modLog } from "./log";
import { modMute } from "./mute";
import { modPromote } from "./promote";
import { modUnban } from "./unban";
import { modUnmute } from "./unmute";
import { updateRoom } from "./update";

export { canModerate } from "./permissions";
export { logModeratorDelete } from "./announce";

export const moderationHandlers = {
  "room:info": roomInfo,
  "room:update": updateRoom,
  "mod:mute": modMute,
  "mod:unmute": modUnmute,
  "mod:kick": modKick,
  "mod:ban": modBan,
  "mod:unban": modUnban,
  "mod:promote": modPromote,
  "mod:demote": modDemote,
  "mod:log": modLog,
};
