/**
 * fast-check generators of payloads that are invalid by construction, per
 * event, from the rules in PROTOCOL.md (not from the server's schemas): a
 * non-object payload, a required field missing, one field of a wrong type or
 * out of range, an unknown key (prototype-pollution keys among them), or
 * extra arguments. Sizes stay under the 64 KiB packet limit, which has its
 * own test (tests/security/payload.test.ts).
 */
import fc from "fast-check";

/** One emit: its arguments (after the event name) and whether it carries a callback. */
export interface FuzzEmit {
  args: unknown[];
  withAck: boolean;
}

const nested = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { k: value };
  return value;
};

/** An object whose own key is literally "__proto__" (an object literal would set the prototype instead). */
const ownKey = (key: string, value: unknown, base: Record<string, unknown> = {}): Record<string, unknown> => {
  const obj: Record<string, unknown> = { ...base };
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  return obj;
};

const POLLUTION = { polluted: "yes", isAdmin: true };
const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__"];
const pollutionKey = fc.constantFrom(...POLLUTION_KEYS);

/** Small values of every JSON type, and (`binary`) Buffers as attachments; never `undefined`. */
const small = (binary: boolean): fc.Arbitrary<unknown> =>
  fc.letrec<{ junk: unknown }>((tie) => ({
    junk: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(), // NaN and ±Infinity travel as null
      fc.string({ maxLength: 40 }),
      // Any code point, lone surrogates included (fc.string's "binary" unit is far slower to generate).
      fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 20 }).map((points) => String.fromCodePoint(...points)),
      ...(binary ? [fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes))] : []),
      fc.array(tie("junk"), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie("junk"), { maxKeys: 4 }),
      // Binary values never sit under these keys: socket.io-client's encoder copies objects
      // with attachments by assignment, so `__proto__` would vanish before the wire.
      fc.tuple(pollutionKey, binary ? small(false) : tie("junk")).map(([key, value]) => ownKey(key, value)),
    ),
  })).junk;
const smallJunk = small(true);

/** One large value: a long string (up to 40,000 characters), a long array, or deep nesting (up to 2,000 levels). */
const bigJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 2_001, max: 40_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 1_000, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => i % 7)),
  fc.tuple(fc.integer({ min: 100, max: 2_000 }), fc.boolean()).map(([depth, asArray]) => nested(depth, "deep", asArray)),
  fc.integer({ min: 100, max: 2_000 }).map((depth) => nested(depth, ownKey("__proto__", POLLUTION), false)),
);

// Large values are rare (1 in 40): they are few kinds, and they cost most of the run time
// (socket.io-client walks every element looking for binary data).
const junk = fc.oneof({ weight: 39, arbitrary: smallJunk }, { weight: 1, arbitrary: bigJunk });
const notA = (type: "string" | "number" | "boolean") => junk.filter((v) => typeof v !== type && v !== undefined);

/** Valid and invalid values of each field kind, as PROTOCOL.md defines them. */
const FIELD_KINDS = {
  room: {
    valid: fc.constantFrom("fuzz", "lobby", "a-b_c", "0"),
    invalid: fc.oneof(notA("string"), fc.constantFrom("", "Lobby", "-x", "_x", "a b", "room!", "ä", "a".repeat(65), "lobby\n")),
  },
  text: {
    valid: fc.constantFrom("hi", "  trimmed  ", "<b>x</b>"),
    invalid: fc.oneof(
      notA("string"),
      fc.constantFrom("", "   ", "\n\t"),
      fc.integer({ min: 2_001, max: 30_000 }).map((n) => "y".repeat(n)),
    ),
  },
  clientId: { valid: fc.constantFrom("c1", "retry-1"), invalid: fc.oneof(notA("string"), fc.constantFrom("", "c".repeat(65))) },
  seq: { valid: fc.constantFrom(0, 1, 99), invalid: fc.oneof(notA("number"), fc.constantFrom(-1, 1.5, 2 ** 53, Number.NaN)) },
  historyLimit: { valid: fc.constantFrom(1, 50, 100), invalid: fc.oneof(notA("number"), fc.constantFrom(0, -5, 101, 2.5)) },
  searchLimit: { valid: fc.constantFrom(1, 20, 50), invalid: fc.oneof(notA("number"), fc.constantFrom(0, 51, 1.5)) },
  q: {
    valid: fc.constantFrom("hello", "pre*"),
    invalid: fc.oneof(notA("string"), fc.constantFrom("", "   "), fc.constant("q".repeat(501))),
  },
  bool: { valid: fc.boolean(), invalid: fc.oneof(notA("boolean"), fc.constantFrom("true", 1, 0)) },
  userId: { valid: fc.constantFrom("u_someone", "u_x"), invalid: fc.oneof(notA("string"), fc.constantFrom("", "u".repeat(65))) },
  ts: { valid: fc.constantFrom(0, Date.now()), invalid: fc.oneof(notA("number"), fc.constantFrom(-1, 0.5)) },
} satisfies Record<string, { valid: fc.Arbitrary<unknown>; invalid: fc.Arbitrary<unknown> }>;

type Kind = keyof typeof FIELD_KINDS;
/** An event's payload fields: kind and whether required. No fields = payload `{}` or none. */
type Shape = Record<string, [Kind, "required" | "optional"]>;

/** Every `/chat` and `/system` client event and its payload shape (PROTOCOL.md). */
export const EVENT_SHAPES: Record<string, { nsp: "/chat" | "/system"; shape: Shape }> = {
  "room:join": { nsp: "/chat", shape: { room: ["room", "required"], sinceSeq: ["seq", "optional"] } },
  "room:leave": { nsp: "/chat", shape: { room: ["room", "required"] } },
  "room:list": { nsp: "/chat", shape: {} },
  "room:members": { nsp: "/chat", shape: { room: ["room", "required"] } },
  "message:send": { nsp: "/chat", shape: { room: ["room", "required"], text: ["text", "required"], clientId: ["clientId", "optional"] } },
  "message:history": {
    nsp: "/chat",
    shape: { room: ["room", "required"], beforeSeq: ["seq", "optional"], limit: ["historyLimit", "optional"] },
  },
  "message:search": { nsp: "/chat", shape: { q: ["q", "required"], room: ["room", "optional"], limit: ["searchLimit", "optional"] } },
  typing: { nsp: "/chat", shape: { room: ["room", "required"], typing: ["bool", "required"] } },
  "dm:send": { nsp: "/chat", shape: { to: ["userId", "required"], text: ["text", "required"], clientId: ["clientId", "optional"] } },
  "dm:history": { nsp: "/chat", shape: { with: ["userId", "required"], before: ["ts", "optional"], limit: ["historyLimit", "optional"] } },
  "system:healthcheck": { nsp: "/system", shape: {} },
  "system:state": { nsp: "/system", shape: {} },
};

/** A valid payload of a shape: every required field, each optional one or not. */
function validPayload(shape: Shape): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(shape).map(([key, [kind, need]]): fc.Arbitrary<[string, unknown][]> => {
    const valid: fc.Arbitrary<unknown> = FIELD_KINDS[kind].valid;
    return need === "required"
      ? valid.map((v) => [[key, v]])
      : fc.option(valid, { nil: undefined }).map((v) => (v === undefined ? [] : [[key, v]]));
  });
  return fc.tuple(...entries).map((parts) => Object.fromEntries(parts.flat() as [string, unknown][]));
}

/** Payloads that break exactly one rule of the event's shape. */
export function invalidPayload(event: string): fc.Arbitrary<unknown[]> {
  const { shape } = EVENT_SHAPES[event]!;
  const keys = Object.keys(shape);
  const base = validPayload(shape);
  const options: fc.Arbitrary<unknown[]>[] = [
    // Not an object at all (arrays and Buffers included).
    junk.filter((v) => v === null || typeof v !== "object" || Array.isArray(v) || ArrayBuffer.isView(v)).map((v) => [v]),
    // A key the event does not have; prototype-pollution keys as own keys (with JSON values, see `small`).
    fc
      .tuple(
        base,
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !keys.includes(k) && !POLLUTION_KEYS.includes(k)),
        junk,
      )
      .map(([p, key, v]) => [ownKey(key, v, p)]),
    fc.tuple(base, pollutionKey, fc.oneof(fc.constant(POLLUTION), small(false))).map(([p, key, v]) => [ownKey(key, v, p)]),
    // Extra arguments after a valid payload (at most one large one: the packet stays under 64 KiB).
    fc
      .tuple(
        base,
        fc.oneof(
          fc.array(smallJunk, { minLength: 1, maxLength: 3 }),
          bigJunk.map((v) => [v]),
        ),
      )
      .map(([p, extra]) => [p, ...extra]),
  ];
  const required = keys.filter((k) => shape[k]![1] === "required");
  if (required.length > 0) {
    // No payload at all, or a required field missing.
    options.push(fc.constant([]));
    options.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([p, drop]) => [Object.fromEntries(Object.entries(p).filter(([k]) => k !== drop))]),
    );
  }
  for (const [key, [kind]] of Object.entries(shape)) {
    // One field wrong (type, range, format, size).
    options.push(fc.tuple(base, FIELD_KINDS[kind].invalid).map(([p, v]) => [{ ...p, [key]: v }]));
  }
  return fc.oneof(...options);
}

/** An invalid emit of `event`; one in five without a callback (the server must cope with that too). */
export function fuzzEmit(event: string): fc.Arbitrary<FuzzEmit> {
  return fc.record({ args: invalidPayload(event), withAck: fc.nat(4).map((n) => n > 0) });
}
