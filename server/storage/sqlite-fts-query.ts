/**
 * Turns what a person types into the search box into an FTS5 MATCH expression
 * that always parses.
 *
 * Raw user text is never handed to FTS5: its query language gives meaning to
 * `"`, `*`, `^`, `:`, `(`, `-`, `+`, NEAR, column filters..., so ordinary
 * text like `don't`, `C++` or `e-mail` would be a syntax error or a column
 * filter. Instead every word becomes a quoted phrase (FTS5's tokenizer then
 * splits it the same way it split the indexed text), and only this small,
 * documented syntax keeps its meaning:
 *
 * - `hel*`: prefix (also `"exact phr"*`)
 * - `"exact phrase"`: phrase (an unclosed quote runs to the end of the query)
 * - `AND`, `OR`, `NOT` (upper case, between two terms) and parentheses
 * - words side by side: all of them (AND)
 *
 * Operators with nothing on one side, unmatched parentheses and words with
 * no letter or digit are dropped. Everything else FTS5 would treat specially
 * (`NEAR(`, `^`, `text:`, `+`) is searched as plain words.
 */

type Token = { kind: "term"; fts: string } | { kind: "op"; op: Operator } | { kind: "open" } | { kind: "close" };
type Operator = "AND" | "OR" | "NOT";

/** Parentheses deeper than this are ignored (FTS5's parser stack is finite). */
const MAX_DEPTH = 8;
// unicode61 indexes letters, numbers and private-use characters; a word with none of them matches nothing.
const SEARCHABLE = /[\p{L}\p{N}\p{Co}]/u;

function phrase(body: string, prefix: boolean): Token | undefined {
  if (!SEARCHABLE.test(body)) return undefined;
  return { kind: "term", fts: `"${body.replaceAll('"', '""')}"${prefix ? "*" : ""}` };
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  const push = (t: Token | undefined) => t && tokens.push(t);
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const end = q.indexOf('"', i + 1);
      const body = end < 0 ? q.slice(i + 1) : q.slice(i + 1, end);
      i = end < 0 ? q.length : end + 1;
      const prefix = q[i] === "*";
      while (q[i] === "*") i++;
      push(phrase(body, prefix));
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c === "(" ? "open" : "close" });
      i++;
    } else {
      let j = i;
      while (j < q.length && !/[\s"()]/.test(q[j])) j++;
      const word = q.slice(i, j);
      i = j;
      if (word === "AND" || word === "OR" || word === "NOT") tokens.push({ kind: "op", op: word });
      else {
        const stars = /\*+$/.exec(word);
        push(phrase(stars ? word.slice(0, stars.index) : word, stars !== null));
      }
    }
  }
  return dropUnmatchedParens(tokens);
}

function dropUnmatchedParens(tokens: Token[]): Token[] {
  const open: number[] = [];
  const drop = new Set<number>();
  tokens.forEach((t, i) => {
    if (t.kind === "open") open.push(i);
    else if (t.kind === "close" && open.pop() === undefined) drop.add(i);
  });
  for (const i of open) drop.add(i);
  return tokens.filter((_, i) => !drop.has(i));
}

/** Parses tokens[from..] up to the matching close (or the end); returns the expression and where it stopped. */
function expression(tokens: Token[], from: number, depth: number): { fts: string | undefined; next: number } {
  const parts: string[] = [];
  let pending: Operator | undefined;
  let i = from;
  const add = (operand: string) => {
    // An operator only counts between two operands; side by side means AND.
    if (parts.length > 0) parts.push(pending ?? "AND");
    parts.push(operand);
    pending = undefined;
  };
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.kind === "close") return { fts: parts.join(" ") || undefined, next: i + 1 };
    if (t.kind === "op") {
      pending = t.op;
      i++;
    } else if (t.kind === "term") {
      add(t.fts);
      i++;
    } else {
      const inner = expression(tokens, i + 1, depth + 1);
      if (inner.fts !== undefined) add(depth < MAX_DEPTH ? `(${inner.fts})` : inner.fts);
      i = inner.next;
    }
  }
  return { fts: parts.join(" ") || undefined, next: i };
}

/**
 * The FTS5 expression for a user's query, or undefined when nothing in it
 * can match (only punctuation or operators).
 *
 * @example
 * toFtsQuery(`don't hel* OR "e-mail"`) // `"don't" AND "hel"* OR "e-mail"`
 * toFtsQuery(`AND )`)                  // undefined
 */
export function toFtsQuery(q: string): string | undefined {
  // Control characters index as nothing, and FTS5 reads its query as a C
  // string: a NUL would end it mid-phrase ("unterminated string").
  return expression(tokenize(q.replace(/\p{Cc}/gu, " ")), 0, 0).fts;
}
