import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Keeps the emulator readable by a newcomer: every source file reads whole, every function
// fits on a screen or two. Tests and JSON fixtures are not held to it.
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 100;

const root = new URL(".", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))
    return parent.name.getText();
  return "(anonymous)";
}

/** `file:name lines` for every function (declaration, method, arrow, expression) too long. */
function longFunctions(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) found.push(`${functionName(node)} ${lines}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("emulator source structure", () => {
  const files = sourceFiles(root).map((path) => ({
    name: relative(root, path),
    text: readFileSync(path, "utf8"),
  }));

  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((f) => `${f.name} ${f.text.split("\n").length}`)
      .filter((entry) => Number(entry.split(" ")[1]) > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files.flatMap((f) => longFunctions(f.name, f.text).map((e) => `${f.name}:${e}`));
    expect(long).toEqual([]);
  });
});
