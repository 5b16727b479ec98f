/**
 * The real chart and real helm, built by the repo's scripts and cached by version under
 * ~/.cache/authentik-stack: `chartPackage(version)` (scripts/assemble-chart.sh), `helmBinary()`
 * (scripts/build-helm.sh), and `helmTemplate()` (what the release installs, rendered by real helm).
 * The chart archives come from ../shared/upstream/charts; without them (a clone elsewhere)
 * `upstreamAvailable()` is false and the chart comes from https://charts.goauthentik.io as usual.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { packageRoot } from "../config/paths";

/** Runs one of the build scripts; returns its stdout's last line (a path). Throws its stderr's last line. */
function script(name: string, args: string[]): string {
  const r = spawnSync("bash", [path.join(packageRoot(), "scripts", name), ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || "").trim().split("\n").pop();
    throw new Error(`scripts/${name} ${args.join(" ")} failed (exit ${r.status}): ${why}`);
  }
  return r.stdout.trim().split("\n").pop() as string;
}

/** The upstream archive folder (../shared/upstream, or AUTHENTIK_STACK_UPSTREAM), if there is one. */
export function upstreamDir(): string | undefined {
  const out = execFileSync("bash", ["-c", '. "$1/scripts/common.sh" && as_upstream', "_", packageRoot()], { encoding: "utf8" }).trim();
  return out || undefined;
}

export function upstreamAvailable(): boolean {
  const dir = upstreamDir();
  return !!dir && fs.existsSync(path.join(dir, "charts"));
}

/** The chart versions the upstream archives hold, oldest first. */
export function availableChartVersions(): string[] {
  const dir = upstreamDir();
  if (!dir) return [];
  return fs
    .readdirSync(path.join(dir, "charts"))
    .map((f) => /^authentik-(\d+\.\d+\.\d+)\.src\.tar\.gz$/.exec(f)?.[1])
    .filter((v): v is string => !!v)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Path of the assembled chart package authentik-<version>.tgz (built once per version). */
export function chartPackage(version: string): string {
  return script("assemble-chart.sh", [version]);
}

/** Path of the helm binary (built once per version). */
export function helmBinary(): string {
  return script("build-helm.sh", []);
}

/**
 * `helm template <release> <package> -n <namespace> -f <values>`: the objects the release installs, as
 * one YAML stream. Throws helm's own message when the chart refuses the values.
 */
export function helmTemplate(pkg: string, valuesText: string, opts: { release?: string; namespace?: string; helm?: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-helm-"));
  try {
    const values = path.join(dir, "values.yaml");
    fs.writeFileSync(values, valuesText);
    const env = { ...process.env, HELM_CACHE_HOME: path.join(dir, "cache"), HELM_CONFIG_HOME: path.join(dir, "config"), HELM_DATA_HOME: path.join(dir, "data") };
    const r = spawnSync(opts.helm ?? helmBinary(), ["template", opts.release ?? "goauthentik", pkg, "-n", opts.namespace ?? "authentik", "-f", values], { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`helm template failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
