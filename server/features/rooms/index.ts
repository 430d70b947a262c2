import { joinRoom } from "./join";
import { leaveRoom } from "./leave";
import { listRooms } from "./list";
import { roomMembers } from "./members";

export { leaveAllRooms } from "./leave-all";
export const roomEvents = [joinRoom, leaveRoom, listRooms, roomMembers];
