/**
 * The search-box → FTS5 translation, checked against a real FTS5 table with
 * the store's tokenizer: every output parses, and the documented syntax means
 * what it says.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { toFtsQuery } from "../../../server/storage/sqlite-fts-query";

const db = new Database(":memory:");
db.exec(`CREATE VIRTUAL TABLE t USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')`);
const insert = db.prepare("INSERT INTO t (text) VALUES (?)");
for (const text of [
  "hello world",
  "help me please",
  "don't stop",
  "C++ rocks",
  "send an e-mail",
  "café au lait",
  "apple pie",
  "apple banana cherry",
  "the exact phrase here",
  "phrase the exact",
]) {
  insert.run(text);
}
afterAll(() => db.close());

const search = (q: string) => {
  const match = toFtsQuery(q);
  if (match === undefined) return undefined;
  return db
    .prepare<[string], { text: string }>("SELECT text FROM t WHERE t MATCH ? ORDER BY bm25(t)")
    .all(match)
    .map((r) => r.text)
    .sort();
};

test.each([
  ["hel*", ["hello world", "help me please"]],
  ["don't", ["don't stop"]],
  ["C++", ["C++ rocks"]],
  ["e-mail", ["send an e-mail"]],
  ["cafe", ["café au lait"]],
  ['"exact phrase"', ["the exact phrase here"]],
  ["exact phrase", ["phrase the exact", "the exact phrase here"]],
  ["apple NOT pie", ["apple banana cherry"]],
  ["pie OR cherry", ["apple banana cherry", "apple pie"]],
  ["apple (pie OR rocks)", ["apple pie"]],
  ["text:apple", []],
  ["NEAR(apple pie)", []],
])("%s finds %j", (q, expected) => {
  expect(search(q)).toEqual(expected);
});

test.each(['"', "*", "AND OR", ")", "^", "()", "-- ++", "NOT"])("%j has nothing to search for", (q) => {
  expect(toFtsQuery(q)).toBeUndefined();
});

test("dangling operators and unmatched parentheses are dropped, not errors", () => {
  expect(search("apple AND")).toEqual(["apple banana cherry", "apple pie"]);
  expect(search("OR apple")).toEqual(["apple banana cherry", "apple pie"]);
  expect(search("(apple pie")).toEqual(["apple pie"]);
  expect(search("apple) pie(")).toEqual(["apple pie"]);
  expect(search('"apple pi')).toEqual([]);
  expect(search('"apple pi"*')).toEqual(["apple pie"]);
});

test("deep nesting stays within FTS5's parser limits", () => {
  expect(search(`${"(".repeat(200)}apple${")".repeat(200)}`)).toEqual(["apple banana cherry", "apple pie"]);
});

test("any string up to 500 characters translates to a query FTS5 accepts", () => {
  const alphabet = fc.constantFrom(
    ..."ab \"*()^:+-.'{}NEARANDORNOT\\\u00e9\u0000\u2028".split(""),
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    "text:",
    "*",
    '"',
  );
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 120 }).map((parts) => parts.join("").slice(0, 500)),
      (q) => {
        const match = toFtsQuery(q);
        if (match !== undefined) db.prepare("SELECT count(*) FROM t WHERE t MATCH ?").get(match);
      },
    ),
    { numRuns: 500 },
  );
});
