/** docs/PROTOCOL.md is a copy of the shared contract, v2 additions included: outside scripts read either. */
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SHARED = path.resolve(ROOT, "../shared/PROTOCOL.md");

test("docs/PROTOCOL.md has the v2 additions", () => {
  const copy = fs.readFileSync(path.join(ROOT, "docs/PROTOCOL.md"), "utf8");
  for (const heading of ["# v2 additions", "## Identity v2", "## Moderation", "## Message lifecycle", "## Read state", "## `/game` v2"]) {
    expect(copy).toContain(heading);
  }
});

// The shared folder sits beside a checkout on the team's machines, not in a clean clone (CI): compared only there.
if (fs.existsSync(SHARED))
  test("docs/PROTOCOL.md equals ../shared/PROTOCOL.md", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs/PROTOCOL.md"), "utf8")).toBe(fs.readFileSync(SHARED, "utf8"));
  });
