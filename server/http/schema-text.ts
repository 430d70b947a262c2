/**
 * JSON Schema as a short TypeScript-like text for the /docs page, e.g.
 * `{ room: string /^[a-z0-9]…/, sinceSeq?: integer ≥ 0 }`. Component refs
 * print as their name (the page lists the components below).
 */
import type { JsonSchema } from "./asyncapi";

const INDENT = "  ";

function bounds(s: JsonSchema, lo: string, hi: string, unit = ""): string {
  const min = s[lo];
  const max = s[hi];
  if (typeof min === "number" && typeof max === "number") return min === max ? ` (${min}${unit})` : ` (${min}–${max}${unit})`;
  if (typeof min === "number") return ` ≥ ${min}${unit}`;
  if (typeof max === "number") return ` ≤ ${max}${unit}`;
  return "";
}

function scalar(s: JsonSchema): string | undefined {
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  switch (s.type) {
    case "string":
      return `string${bounds(s, "minLength", "maxLength", " chars")}${typeof s.pattern === "string" ? ` /${s.pattern}/` : ""}`;
    case "integer":
    case "number":
      return `${s.type}${bounds(s, "minimum", "maximum")}`;
    case "boolean":
    case "null":
      return s.type;
    default:
      return undefined;
  }
}

/**
 * Renders `schema` as text, objects one property per line.
 *
 * @example
 * schemaText({ type: "object", properties: { room: { type: "string" } }, required: ["room"] });
 * // "{ room: string }"
 */
export function schemaText(schema: unknown, depth = 0): string {
  if (!schema || typeof schema !== "object") return "any";
  const s = schema as JsonSchema;
  if (typeof s.$ref === "string") return s.$ref.split("/").pop() ?? s.$ref;
  const simple = scalar(s);
  if (simple) return simple;
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.map((u) => schemaText(u, depth)).join(" | ");
  if (s.type === "array") return `${wrap(schemaText(s.items, depth))}[]`;
  if (s.type === "object" || s.properties) {
    const props = Object.entries((s.properties ?? {}) as Record<string, unknown>);
    const extra = s.additionalProperties;
    if (props.length === 0) {
      return extra && typeof extra === "object" ? `{ [key: string]: ${schemaText(extra, depth)} }` : "{}";
    }
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const lines = props.map(([key, value]) => {
      const note =
        value && typeof value === "object" && typeof (value as JsonSchema).description === "string"
          ? `  // ${(value as JsonSchema).description}`
          : "";
      return `${INDENT.repeat(depth + 1)}${key}${required.has(key) ? "" : "?"}: ${schemaText(value, depth + 1)}${note}`;
    });
    const oneLine = `{ ${lines.map((l) => l.trim()).join(", ")} }`;
    return oneLine.length <= 72 && !oneLine.includes("//") ? oneLine : `{\n${lines.join("\n")}\n${INDENT.repeat(depth)}}`;
  }
  return "any";
}

const wrap = (text: string) => (text.includes(" | ") ? `(${text})` : text);
