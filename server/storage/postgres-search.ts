/**
 * The search box language on PostgreSQL. Users type one language whichever
 * store runs (`hel*`, `"exact phrase"`, `AND`/`OR`/`NOT`, parentheses, words
 * side by side = all of them; see sqlite-fts-query.ts), so this reads the
 * normalised expression toFtsQuery() produces, which is always well formed,
 * and builds the same query from tsquery functions with bound parameters:
 * - a phrase -> phraseto_tsquery(config, text)
 * - a prefix phrase -> its last word as `'word':*`, after the others with `<->`
 * - FTS5 precedence (NOT over AND over OR, `a NOT b` = a and not b), made
 *   explicit with parentheses because SQL gives `&&` and `||` one precedence.
 */
import { toFtsQuery } from "./sqlite-fts-query";

/** The text search configuration of the `search` column (migration 2): stemming, folded accents, no stop words. */
export const FTS_CONFIG = "parlor";

type Node = { kind: "phrase"; text: string; prefix: boolean } | { kind: "op"; op: "AND" | "OR" | "NOT"; left: Node; right: Node };

type Token = Node | "AND" | "OR" | "NOT" | "(" | ")";

function tokens(fts: string): Token[] {
  const out: Token[] = [];
  // Sticky: each match starts where the last ended; trailing spaces end the loop.
  const re = /\s*(?:"((?:[^"]|"")*)"(\*)?|(AND|OR|NOT)(?![^\s()])|([()]))/y;
  for (let m = re.exec(fts); m !== null; m = re.exec(fts)) {
    if (m[1] !== undefined) out.push({ kind: "phrase", text: m[1].replaceAll('""', '"'), prefix: m[2] === "*" });
    else out.push((m[3] ?? m[4]) as Token);
  }
  return out;
}

/** Recursive descent over the normalised expression: or := and (OR and)*, and := not (AND not)*, not := primary (NOT primary)*. */
function parse(fts: string): Node | undefined {
  const list = tokens(fts);
  let i = 0;
  const primary = (): Node | undefined => {
    const t = list[i++];
    if (t === "(") {
      const inner = or();
      i++; // the matching ")": toFtsQuery balances parentheses
      return inner;
    }
    return typeof t === "object" ? t : undefined;
  };
  const level = (op: "AND" | "OR" | "NOT", next: () => Node | undefined) => (): Node | undefined => {
    let left = next();
    while (left && list[i] === op) {
      i++;
      const right = next();
      if (right) left = { kind: "op", op, left, right };
    }
    return left;
  };
  const not = level("NOT", primary);
  const and = level("AND", not);
  const or: () => Node | undefined = level("OR", and);
  return or();
}

/**
 * The SQL tsquery expression for what a user typed, with its parameters
 * numbered from `$first`; undefined when nothing in it can match.
 *
 * @example
 * searchQuery("hel* OR bye", 3)
 * // { sql: "(to_tsquery('parlor', $3) || phraseto_tsquery('parlor', $4))", params: ["'hel':*", "bye"] }
 */
export function searchQuery(q: string, first: number): { sql: string; params: string[] } | undefined {
  const fts = toFtsQuery(q);
  const tree = fts === undefined ? undefined : parse(fts);
  if (!tree) return undefined;
  const params: string[] = [];
  const param = (value: string) => `$${first + params.push(value) - 1}`;
  const emit = (node: Node): string => {
    if (node.kind === "op") {
      const [l, r] = [emit(node.left), emit(node.right)];
      if (node.op === "NOT") return `(${l} && !!${r})`;
      return `(${l} ${node.op === "AND" ? "&&" : "||"} ${r})`;
    }
    if (!node.prefix) return `phraseto_tsquery('${FTS_CONFIG}', ${param(node.text)})`;
    // The parser splits words at anything but letters and digits; so do we, to find the last word.
    const words = node.text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const last = words.pop();
    if (last === undefined) return `phraseto_tsquery('${FTS_CONFIG}', ${param(node.text)})`;
    const before = words.length === 0 ? undefined : `phraseto_tsquery('${FTS_CONFIG}', ${param(words.join(" "))})`;
    const prefix = `to_tsquery('${FTS_CONFIG}', ${param(`'${last}':*`)})`;
    return before === undefined ? prefix : `(${before} <-> ${prefix})`;
  };
  return { sql: emit(tree), params };
}
