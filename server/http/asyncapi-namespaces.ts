/**
 * What `/asyncapi.json` and `/docs` document: each namespace's contract
 * (server/protocol/), the same one the registry validates with and the
 * handlers are typed by. Nothing here lists an event: a new event in a
 * contract is documented by that alone.
 */
import { chatContract, gameContract, systemContract } from "../protocol";
import type { NamespaceDoc } from "./asyncapi";

/** Every namespace Parlor serves, in the order the docs show them. Adding a namespace is one entry. */
export const parlorNamespaces: NamespaceDoc[] = [
  { namespace: "/chat", auth: true, description: "Rooms, messages, search, typing and direct messages.", contract: chatContract },
  {
    namespace: "/game",
    auth: true,
    description: "Orbs, a server-authoritative arena game: clients send intent, the server sends state.",
    contract: gameContract,
  },
  { namespace: "/system", auth: false, description: "Health and live figures; open, no token needed.", contract: systemContract },
];
