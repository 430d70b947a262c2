/** Moderation tests: JWT users with chosen ids and global roles on a real server. */
import { emitAck, okData, setup, UNLIMITED_EVENTS, type ChatSocket, type TestServer } from "../../helpers";
import { HS_SECRET, mint } from "../../auth/support";
import type { Config } from "../../../server/config";

export const JWT_CONFIG: Partial<Config> = { ...UNLIMITED_EVENTS, identity: { guests: true, jwt: { secret: HS_SECRET } } };

export function setupModeration(overrides: Partial<Config> = {}): Promise<TestServer> {
  return setup({ ...JWT_CONFIG, ...overrides });
}

/** A `/chat` socket of JWT user `id` (name = id) with these global roles. */
export async function connectAs(t: TestServer, id: string, roles: string[] = []): Promise<ChatSocket> {
  return t.connectChat(await mint({ sub: id, name: id, roles }));
}

/** Connects and joins `room`. */
export async function joined(t: TestServer, id: string, room: string, roles: string[] = []): Promise<ChatSocket> {
  const socket = await connectAs(t, id, roles);
  okData(await emitAck(socket, "room:join", { room }));
  return socket;
}

/** The error code of an ack (or "ok"). */
export async function codeOf(p: Promise<{ ok: boolean; error?: { code: string } }>): Promise<string> {
  const ack = await p;
  return ack.ok ? "ok" : ack.error!.code;
}
