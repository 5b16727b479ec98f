/**
 * Decides, from the real chart and real helm, what a chart version does with the stack's values file,
 * and returns the facts committed as model/charts/<version>.json (model/chart-facts.ts describes them):
 *  - keys: the chart's own values.yaml, flattened;
 *  - leaves: a leaf of the values file is inert when `helm template` renders exactly the same with the leaf
 *    removed and with it changed (a changed value tells "inert" from "equal to the chart's default");
 *    an inert chart key under authentik.* is inert *because of existingSecret* when, with
 *    authentik.existingSecret.secretName unset, removing it does change the render;
 *  - newKeys: for each map of the values file, whether a key added under it changes the render;
 *  - envSources: which values lists become the server and worker containers' env (a probe variable is
 *    added to each `env` list the chart declares and looked up in the rendered Deployments).
 * Subtrees are tried whole first, so a fully inert subtree costs two renders. Values of a dependency
 * the package only stands in for (postgresql, see scripts/assemble-chart.sh) are not judged: counted as read.
 */
import * as crypto from "crypto";
import * as path from "path";
import { execFileSync } from "child_process";
import { parse, parseAllDocuments } from "yaml";
import { ChartFacts, InertReason, LeafEffect, NewKeyEffect, canonicalJson, isChartKey, joinPath, leafPaths, mapPaths, parentPath, splitPath, valueAt } from "../model/chart-facts";
import { helmTemplate } from "./packages";

type Tree = Record<string, unknown>;
const PROBE = "akfactsprobe";
const PROBE_ENV = "AK_FACTS_PROBE";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function parentAndKey(tree: Tree, p: string): [Record<string, unknown>, string] {
  const [parent, key] = parentPath(p);
  return [(parent ? valueAt(tree, parent) : tree) as Record<string, unknown>, key];
}
function without(tree: Tree, p: string): Tree {
  const t = clone(tree);
  const [parent, key] = parentAndKey(t, p);
  delete parent[key];
  return t;
}
function perturb(v: unknown): unknown {
  if (typeof v === "string") return `${v}-${PROBE}`;
  if (typeof v === "number") return v + 7;
  if (typeof v === "boolean") return !v;
  if (v === null) return PROBE;
  if (Array.isArray(v)) return v.length ? [...v, clone(v[v.length - 1])] : [PROBE];
  if (typeof v === "object") {
    const entries = Object.entries(v as object);
    return entries.length ? Object.fromEntries(entries.map(([k, x]) => [k, perturb(x)])) : { [PROBE]: PROBE };
  }
  return v;
}
function changed(tree: Tree, p: string): Tree {
  const t = clone(tree);
  const [parent, key] = parentAndKey(t, p);
  parent[key] = perturb(parent[key]);
  return t;
}
function withKey(tree: Tree, mapPath: string, value: unknown = PROBE): Tree {
  const t = clone(tree);
  (valueAt(t, mapPath) as Record<string, unknown>)[PROBE] = value;
  return t;
}

/** Values keys (alias or name) of the package's dependencies that have no templates: stand-ins. */
export function standInDependencies(pkg: string): string[] {
  const files = execFileSync("tar", ["tzf", pkg], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\n");
  const chartYaml = parse(execFileSync("tar", ["xzOf", pkg, "authentik/Chart.yaml"], { encoding: "utf8" }));
  return ((chartYaml.dependencies ?? []) as Array<{ name: string; alias?: string }>)
    .filter((d) => !files.some((f) => f.startsWith(`authentik/charts/${d.name}/templates/`)))
    .map((d) => d.alias ?? d.name);
}

/** The chart's values.yaml flattened (non-empty maps are walked; everything else is a key). */
export function flattenChartKeys(v: unknown, prefix: string[] = [], out: Record<string, ChartFacts["keys"][string]> = {}): ChartFacts["keys"] {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length) {
    for (const [k, child] of Object.entries(v as object)) flattenChartKeys(child, [...prefix, k], out);
    return out;
  }
  if (!prefix.length) return out;
  out[joinPath(prefix)] = Array.isArray(v) ? "list" : v === null ? "null" : typeof v === "object" ? "map" : typeof v === "boolean" ? "bool" : typeof v === "number" ? "number" : "string";
  return out;
}

export interface FactsInput {
  readonly version: string;
  /** The assembled chart package (chart/packages.ts chartPackage). */
  readonly pkg: string;
  readonly helm: string;
  readonly helmVersion: string;
  /** The values file: repo-relative name and text. */
  readonly valuesFile: string;
  readonly valuesText: string;
  /** Progress lines (a render can take a second; there are dozens). */
  readonly progress?: (line: string) => void;
}

export function computeChartFacts(input: FactsInput): ChartFacts {
  const values = parse(input.valuesText) as Tree;
  const cache = new Map<string, string>();
  let renders = 0;
  let lastNote = Date.now();
  const render = (tree: Tree): string => {
    const text = JSON.stringify(tree);
    let out = cache.get(text);
    if (out === undefined) {
      try {
        out = helmTemplate(input.pkg, text, { helm: input.helm });
      } catch (e) {
        out = `<helm refused: ${(e as Error).message}>`; // refusing is an effect, too
      }
      cache.set(text, out);
      renders++;
      if (Date.now() - lastNote > 20_000) {
        input.progress?.(`chart ${input.version}: ${renders} renders so far`);
        lastNote = Date.now();
      }
    }
    return out;
  };
  const base = render(values);
  if (base.startsWith("<helm refused")) throw new Error(`chart ${input.version} refuses ${input.valuesFile}: ${base}`);

  const chartValues = parse(execFileSync("tar", ["xzOf", input.pkg, "authentik/values.yaml"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }));
  const keys = flattenChartKeys(chartValues);

  // existingSecret: the renders an inert authentik.* key is compared against
  const secretPath = "authentik.existingSecret.secretName";
  const hasSecret = typeof valueAt(values, secretPath) === "string" && valueAt(values, secretPath) !== "";
  const noSecret = hasSecret ? without(values, secretPath) : undefined;
  // inert because of existingSecret: without the secret name, removing or changing the value does change the render
  const reasonFor = (p: string, probes: Array<(t: Tree) => Tree>): InertReason => {
    if (noSecret && p.startsWith("authentik.") && probes.some((probe) => render(probe(noSecret)) !== render(noSecret))) return "existing-secret";
    return isChartKey({ keys }, p) ? "not-rendered" : "not-a-chart-key";
  };
  const leafProbes = (leaf: string) => [(t: Tree) => (valueAt(t, leaf) === undefined ? t : without(t, leaf)), (t: Tree) => (valueAt(t, leaf) === undefined ? t : changed(t, leaf))];

  // Dependencies assemble-chart.sh stands in for (no templates in the package): what their values do can't
  // be rendered here, so their subtree counts as read (never reported inert on the stand-in's account).
  const standIns = standInDependencies(input.pkg);
  const underStandIn = (p: string) => standIns.includes(splitPath(p)[0]);

  const leaves: Record<string, LeafEffect> = {};
  const walk = (p: string) => {
    const v = valueAt(values, p);
    if (underStandIn(p)) {
      for (const leaf of leafPaths(v, splitPath(p))) leaves[leaf] = "read";
    } else if (render(without(values, p)) === base && render(changed(values, p)) === base) {
      for (const leaf of leafPaths(v, splitPath(p))) leaves[leaf] = reasonFor(leaf, leafProbes(leaf));
    } else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length) {
      for (const k of Object.keys(v)) walk(joinPath([...splitPath(p), k]));
    } else {
      leaves[p] = "read";
    }
  };
  for (const k of Object.keys(values)) walk(joinPath([k]));

  const newKeys: Record<string, NewKeyEffect> = {};
  for (const m of mapPaths(values)) {
    if (underStandIn(m) || render(withKey(values, m)) !== base) newKeys[m] = "read";
    else newKeys[m] = reasonFor(joinPath([...splitPath(m), PROBE]), [(t) => (valueAt(t, m) === undefined ? t : withKey(t, m))]);
  }

  // env: add a probe variable to each env list the chart declares, see which containers get it, and where
  const envSources: Record<"server" | "worker", Array<{ path: string; at: number }>> = { server: [], worker: [] };
  for (const [k, t] of Object.entries(keys)) {
    if (t !== "list" || splitPath(k).pop() !== "env") continue;
    const probe = clone(values);
    const list = valueAt(probe, k);
    const entry = { name: PROBE_ENV, value: PROBE };
    if (Array.isArray(list)) list.push(entry);
    else {
      const parts = splitPath(k);
      let cur: any = probe;
      for (const s of parts.slice(0, -1)) cur = cur[s] ??= {};
      cur[parts[parts.length - 1]] = [entry];
    }
    for (const doc of parseAllDocuments(render(probe))) {
      const o = doc.toJS() as any;
      const component = o?.kind === "Deployment" ? o.metadata?.labels?.["app.kubernetes.io/component"] : undefined;
      if (component !== "server" && component !== "worker") continue;
      const env: any[] = o.spec?.template?.spec?.containers?.[0]?.env ?? [];
      const at = env.findIndex((e) => e?.name === PROBE_ENV);
      if (at >= 0) envSources[component as "server" | "worker"].push({ path: k, at });
    }
  }
  const order = (xs: Array<{ path: string; at: number }>) => xs.sort((a, b) => a.at - b.at).map((x) => x.path);

  input.progress?.(`chart ${input.version}: decided with ${renders} renders`);
  return {
    "//": `generated by \`npm run chart-facts\` from ${path.basename(input.pkg)} (${input.version}) and ${input.valuesFile}, rendered by helm ${input.helmVersion}; do not edit`,
    chart: "authentik",
    version: input.version,
    archive: `authentik-${input.version}.src.tar.gz`,
    helm: input.helmVersion,
    standIns,
    values: { file: input.valuesFile, sha256: crypto.createHash("sha256").update(canonicalJson(values)).digest("hex") },
    keys,
    envSources: { server: order(envSources.server), worker: order(envSources.worker) },
    leaves: Object.fromEntries(Object.entries(leaves).sort(([a], [b]) => a.localeCompare(b))),
    newKeys,
  };
}

/** The committed text of a facts file (stable formatting: regenerating an unchanged chart changes nothing). */
export function factsText(f: ChartFacts): string {
  return JSON.stringify(f, null, 1) + "\n";
}
