// The SPA's API types come only from the generated client (issue 14): a hand-written copy of a response
// shape drifts from the services (it once expected `fx_exchange` where the ledger writes `exchange`).
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(process.cwd(), "src"); // vitest runs from frontend/
const GENERATED = join(SRC, "api", "generated");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === GENERATED ? [] : files(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The schema names of every generated client (`components.schemas`). */
function schemaNames(): Set<string> {
  const names = new Set<string>();
  for (const name of readdirSync(GENERATED)) {
    const text = readFileSync(join(GENERATED, name), "utf8");
    const start = text.indexOf("    schemas: {");
    if (start < 0) continue;
    const end = text.indexOf("\n    responses:", start);
    for (const match of text.slice(start, end < 0 ? undefined : end).matchAll(/^ {8}([A-Za-z_][A-Za-z0-9_]*): \{/gm)) names.add(match[1]);
  }
  return names;
}

const sources = files(SRC).filter((path) => !path.endsWith(".test.ts") && !path.endsWith(".test.tsx"));

it("the hand-written types file is gone and nothing imports it", () => {
  expect(existsSync(join(SRC, "api", "types.ts"))).toBe(false);
  const importers = sources.filter((path) => /from ["']@\/api\/types["']/.test(readFileSync(path, "utf8")));
  expect(importers.map((path) => relative(SRC, path))).toEqual([]);
});

it("src/api/models.ts only names generated schemas", () => {
  const text = readFileSync(join(SRC, "api", "models.ts"), "utf8");
  const declarations = [...text.matchAll(/^export type \w+ = (.+);$/gm)].map((m) => m[1]);
  expect(declarations.length).toBeGreaterThan(0);
  for (const right of declarations) expect(right).toMatch(/^(\w+\.components\["schemas"\]\["\w+"\]|\w+\["\w+"\])$/);
  expect(text).not.toMatch(/=\s*\{|interface /);
});

it("no source file declares its own shape under a generated schema's name", () => {
  const names = schemaNames();
  expect(names.has("Account") && names.has("PostingItem") && names.has("Problem")).toBe(true);
  const found: string[] = [];
  for (const path of sources) {
    for (const match of readFileSync(path, "utf8").matchAll(/(?:type|interface)\s+([A-Z]\w*)\s*(?:=\s*)?\{/g)) {
      if (names.has(match[1])) found.push(`${relative(SRC, path)}: ${match[1]}`);
    }
  }
  expect(found).toEqual([]);
});
