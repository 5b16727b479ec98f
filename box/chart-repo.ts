/**
 * A Helm chart repository served from a folder of packaged charts (`<name>-<version>.tgz`): index.yaml is
 * built from the folder's contents on each request, so a package added while the box runs is served.
 * In the box it answers for the real repository URL (https://charts.goauthentik.io/) behind the gateway.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";

const PACKAGE = /^([a-z0-9][a-z0-9-]*?)-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.tgz$/;

export function chartIndex(dir: string, baseUrl: string): string {
  const entries = new Map<string, string[]>();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => PACKAGE.test(f)).sort() : [];
  for (const f of files) {
    const [, name, version] = PACKAGE.exec(f)!;
    const digest = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, f))).digest("hex");
    const e = [`  - apiVersion: v2`, `    name: ${name}`, `    version: ${version}`, `    appVersion: ${version}`, `    digest: ${digest}`, `    created: "2026-01-01T00:00:00Z"`, `    urls:`, `    - ${baseUrl}${f}`];
    entries.set(name, [...(entries.get(name) ?? []), ...e]);
  }
  const body = [...entries].map(([name, lines]) => [`  ${name}:`, ...lines].join("\n")).join("\n");
  return `apiVersion: v1\nentries:${entries.size ? "\n" + body : " {}"}\ngenerated: "2026-01-01T00:00:00Z"\n`;
}

export function chartRepo(dir: string, baseUrl: string): http.RequestListener {
  return (req, res) => {
    const p = new URL(req.url ?? "/", baseUrl).pathname.slice(1);
    if (p === "index.yaml") {
      res.setHeader("content-type", "application/x-yaml");
      res.end(chartIndex(dir, baseUrl));
    } else if (PACKAGE.test(p) && fs.existsSync(path.join(dir, p))) {
      res.setHeader("content-type", "application/gzip");
      fs.createReadStream(path.join(dir, p)).pipe(res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
}
