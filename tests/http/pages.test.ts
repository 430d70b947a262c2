import { setup, type TestServer } from "../helpers";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

const presetOf = async (path: string) => {
  const html = await (await fetch(`${t.url}${path}`)).text();
  return /data-name="([^"]*)"/.exec(html)?.[1];
};

test.each([
  ["/?name=Craig", "Craig"],
  ["/?Craig", "Craig"],
  ["/game?name=Cy", "Cy"],
  ["/game?Cy", "Cy"],
  ["/?room=games", ""],
  ["/?a&b", ""],
  ["/?Craig=1", ""],
  ["/", ""],
])("%s starts the page with the name %j", async (path, name) => {
  expect(await presetOf(path)).toBe(name);
});

test("a preset name is escaped, never markup", async () => {
  expect(await presetOf("/?%3Cb%3E")).toBe("&lt;b&gt;");
});
