/** The package root (where package.json is), from either the sources or the compiled dist/. */
import * as fs from "fs";
import * as path from "path";

let cached: string | undefined;
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = up;
  }
  return (cached = dir);
}
