/**
 * The committed provider schemas (schemas/*.json, what the bindings are generated from) are exactly what
 * the real providers at the pinned versions report. Needs the offline mirror (../shared); reported as
 * skipped without it (terraform then downloads the providers and the committed schemas can't be rebuilt here).
 */
import * as path from "path";
import { spawnSync } from "child_process";
import { ROOT } from "../support/synth";
import { mirrorSource } from "../support/offline-world";

jest.setTimeout(300_000);
const d = mirrorSource() === "mirror" ? describe : describe.skip;

d("provider schemas", () => {
  it("regenerating them from the pinned builds changes nothing", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "schemas.js"), "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toContain("schemas: unchanged");
    expect(r.status).toBe(0);
  });
});
