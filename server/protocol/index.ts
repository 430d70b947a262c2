/** The Parlor wire contract, one module per namespace. See PROTOCOL.md. */
export * from "./common";
export * from "./contract";
export * from "./models";
export * from "./lifecycle";
export * from "./chat";
export * from "./system";
export * from "./game";
