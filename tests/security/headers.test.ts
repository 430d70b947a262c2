/** Security headers on every HTTP response; a CSP with only the page's own scripts and origin. */
import { setup, type TestServer } from "../helpers";
import { rawRequest } from "./support";

let t: TestServer;
beforeAll(async () => (t = await setup()));
afterAll(() => t.cleanup());

function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

test.each(["/", "/game", "/static/chat.js", "/healthz", "/no-such-page"])("GET %s carries helmet's headers and the CSP", async (path) => {
  const res = await fetch(`${t.url}${path}`);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("x-powered-by")).toBeNull();
  expect(res.headers.get("content-security-policy")).toBeTruthy();
});

test("the CSP allows only the page's own scripts, styles and origin (plus its WebSocket origin), no inline script", async () => {
  const res = await fetch(`${t.url}/`);
  const csp = directives(res.headers.get("content-security-policy"));
  const host = new URL(t.url).host;
  expect(csp.get("default-src")).toEqual(["'self'"]);
  expect(csp.get("script-src")).toEqual(["'self'"]);
  expect(csp.get("script-src-attr")).toEqual(["'none'"]);
  expect(csp.get("style-src")).toEqual(["'self'"]);
  expect(csp.get("connect-src")).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("base-uri")).toEqual(["'none'"]);
  expect([...csp.values()].flat().some((v) => /unsafe|\*|https?:$/.test(v))).toBe(false);
  expect(csp.has("upgrade-insecure-requests")).toBe(false);
});

test("a forged Host header cannot write into the CSP", async () => {
  const res = await rawRequest(`${t.url}/`, { headers: { host: "x; script-src *" } });
  const csp = directives(String(res.headers["content-security-policy"]));
  expect(csp.get("script-src")).toEqual(["'self'"]);
  expect(csp.get("connect-src")).toEqual(["'self'", "'self'"]);
});

test("the pages need no inline script or style: every <script> and stylesheet is a same-origin file", async () => {
  for (const path of ["/", "/game"]) {
    const html = await (await fetch(`${t.url}${path}`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc="\/)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+=/i);
    for (const [, src] of html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)) expect(src).toMatch(/^\/(static|socket\.io)\//);
  }
});
