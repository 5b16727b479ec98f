/**
 * The layout's import rules (README "Layout", LAYOUT.md), read from the sources: which project folder
 * may import which, that nothing imports the app entry (main.ts), that lib/ does no I/O, that no source
 * grows past MAX_LINES without a reason in its header, and that every construct prop is documented in
 * one line with @default.
 */
import * as fs from "fs";
import * as path from "path";

export const MAX_LINES = 300;
/** A file longer than MAX_LINES says why in its header comment with this marker. */
export const LONG_FILE_MARKER = "Longer than 300 lines because";

/** Project folders (and root files) each folder may import; a folder not listed may import anything but main.ts. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  config: ["config", "lib"],
  model: ["model", "config", "lib"],
  lib: ["lib"],
  guards: ["guards", "config", "model", "lib"],
  alerts: ["alerts", "config", "lib"],
  constructs: ["constructs", "config", "model", "lib", "alerts", ".gen"],
  chart: ["chart", "config", "model", "lib"],
};

/** Node modules that do I/O, which lib/ (pure helpers) must not use. */
export const IO_MODULES = ["fs", "fs/promises", "child_process", "http", "https", "net", "dgram", "tls", "os"];

/** Files that break a rule today, each with its reason; the test fails when one no longer needs it. */
export const EXCEPTIONS: Readonly<Record<string, string>> = {
  "lib/plan.ts": "the plan engine runs terraform; the cli engineer moves it to engine/ (LAYOUT.md)",
  "lib/verify.ts": "the verify engine runs kubectl and reads config; the cli engineer moves it to engine/ (LAYOUT.md)",
};

export interface Violation {
  readonly file: string;
  readonly rule: string;
  readonly detail: string;
}

/** Import specifiers of a TypeScript source: import/export ... from, import "x", require("x"), import("x"). */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|(?:^|[\s;])import\s+["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)|\bimport\(\s*["']([^"']+)["']\s*\)/gms;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

/** The project folder (or root file) a repo-relative path belongs to. */
function owner(rel: string): string {
  const parts = rel.split("/");
  return parts.length === 1 ? parts[0] : parts[0];
}

/** Checks sources given as repo-relative path -> text. */
export function layoutViolations(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const from = owner(file);
    for (const spec of importsOf(text)) {
      if (spec.startsWith(".")) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.(ts|js)$/, "");
        const to = owner(target);
        if (target === "main") out.push({ file, rule: "nothing imports the app entry", detail: `imports ${spec} (main.ts); import buildApp from app.ts` });
        const allowed = ALLOWED[from];
        if (allowed && !allowed.includes(to) && !allowed.includes(target)) out.push({ file, rule: `${from}/ may import only ${allowed.join(", ")}`, detail: `imports ${spec} (${to})` });
      } else if (from === "lib" && IO_MODULES.includes(spec.replace(/^node:/, ""))) {
        out.push({ file, rule: "lib/ holds pure helpers (no I/O)", detail: `imports ${spec}` });
      }
    }
    const lines = text.split("\n").length;
    const header = /^\s*\/\*\*?[\s\S]*?\*\//.exec(text)?.[0] ?? "";
    if (lines > MAX_LINES && !header.includes(LONG_FILE_MARKER)) out.push({ file, rule: `at most ${MAX_LINES} lines without a reason in the header ("${LONG_FILE_MARKER} ...")`, detail: `${lines} lines` });
    if (from === "constructs") {
      for (const m of text.matchAll(/export interface (\w+Props)[^{]*\{([\s\S]*?)\n\}/g)) {
        const body = m[2].split("\n");
        body.forEach((line, i) => {
          const prop = /^\s+readonly (\w+)\??:/.exec(line);
          if (!prop) return;
          const doc = body[i - 1] ?? "";
          if (!/^\s+\/\*\* .*@default .*\*\/$/.test(doc)) out.push({ file, rule: "every construct prop is documented in one line with @default", detail: `${m[1]}.${prop[1]}` });
        });
      }
    }
  }
  return out;
}

/** The project's TypeScript sources (not tests, generated code or dependencies), repo-relative. */
export function projectSources(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const skip = new Set(["node_modules", "dist", ".gen", "__tests__", "cdktf.out", ".git", "bench", "scripts", "tools"]);
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skip.has(e.name) && !e.name.startsWith(".")) walk(r);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.set(r, fs.readFileSync(path.join(root, r), "utf8"));
    }
  };
  walk("");
  return files;
}
