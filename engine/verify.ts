/**
 * The verify engine (no argument parsing, no output): the seed's seven-step upgrade validation checklist as code. Every expectation is derived from the
 * stack config (names, replicas, ports, labels, TTL); every cluster read is a kubectl command an
 * operator can rerun by hand, and its JSON is parsed, never its columns. A step that cannot run is
 * ERROR, never PASS.
 */
import * as http from "http";
import { LABEL_KEYS, SERVER_POD_LABELS, StackConfig, deriveNames } from "../config";
import { durationSeconds } from "../lib/duration";
import { MAX_JSON_DEPTH, jsonDepth } from "../lib/json-input";
import { ExecError, run } from "../io/exec";
import { HttpError, request } from "../io/http";

export type Verdict = "PASS" | "FAIL" | "ERROR" | "SKIP";

export interface StepResult {
  readonly step: number;
  readonly title: string;
  readonly verdict: Verdict;
  /** What was seen. */
  readonly evidence: string;
  /** On FAIL/ERROR: what to do or look at. */
  readonly todo?: string;
  /** The command(s) the step ran, to rerun by hand. */
  readonly commands: string[];
}

export interface VerifyOptions {
  readonly config: StackConfig;
  /** kubectl binary. @default $KUBECTL or "kubectl" */
  readonly kubectl?: string;
  /** kubectl context. @default - the current context */
  readonly context?: string;
  /** Steps to run (1-7). @default - all */
  readonly steps?: readonly number[];
  /** Step 7: plan-to-zero; resolves to the list of changes (empty = no changes) or rejects with a reason. */
  readonly planToZero?: () => Promise<string[]>;
  /** "now", for the session-expiry check. @default - the clock */
  readonly now?: () => Date;
  readonly env?: NodeJS.ProcessEnv;
}

class StepError extends Error {
  constructor(message: string, readonly todo: string) {
    super(message);
  }
}

interface Kubectl {
  (args: string[]): Promise<string>;
  render(args: string[]): string;
}

function kubectlRunner(o: VerifyOptions): Kubectl {
  const env = o.env ?? process.env;
  const bin = o.kubectl ?? env.KUBECTL ?? "kubectl";
  const timeoutMs = o.config.verify.commandTimeoutSeconds * 1000;
  const full = (args: string[]) => (o.context ? ["--context", o.context, ...args] : args);
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const exec = (async (args: string[]) => {
    let r;
    try {
      r = await run(bin, full(args), { env, timeoutMs, label: "kubectl" });
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      if (e.reason === "not-found") throw new StepError(`kubectl not found ('${bin}')`, "Install kubectl or point $KUBECTL at it.");
      if (e.reason === "timeout") throw new StepError(`kubectl timed out after ${o.config.verify.commandTimeoutSeconds}s (it and its children were stopped)`, "Check the cluster is reachable (kubectl cluster-info) and retry.");
      throw new StepError(e.message, "Check kubectl.");
    }
    if (r.code === 0) return r.stdout;
    throw new StepError(`kubectl exited ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}`, "Check the kube context (--context) and your access to the namespace.");
  }) as Kubectl;
  exec.render = (args) => [bin, ...full(args)].map(quote).join(" ");
  return exec;
}

/** kubectl's JSON as an object; anything else (garbage, an array, too deep) is a StepError (verdict ERROR). */
function parseJson(text: string, what: string): Record<string, any> {
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new StepError(`${what}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`, "Rerun the command by hand and look at its output.");
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StepError(`${what} is not JSON`, "Rerun the command by hand and look at its output.");
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new StepError(`${what}: expected a JSON object, got ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}`, "Rerun the command by hand and look at its output.");
  return v as Record<string, any>;
}

/** A list field of kubectl JSON: absent → [], anything but an array of objects → StepError. */
function objects(v: unknown, what: string): Record<string, any>[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => x !== null && typeof x === "object" && !Array.isArray(x))) throw new StepError(`${what}: expected a list of objects`, "Rerun the command by hand and look at its output.");
  return v;
}

/** Python for `ak shell -c`: prints one JSON line {"count": N, "max_expires": ISO-8601 or null}. */
export const SESSION_QUERY =
  "import json; from django.db import connection; c = connection.cursor(); " +
  "c.execute('SELECT COUNT(*), MAX(expires) FROM authentik_providers_proxy_proxysession'); n, m = c.fetchone(); " +
  "print(json.dumps({'count': n, 'max_expires': m.isoformat() if m else None}))";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

/** One GET without following redirects, within an overall deadline (io/http). */
export async function probe(url: string, timeoutMs: number): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const r = await request(url, { timeoutMs, headers: { "User-Agent": BROWSER_UA }, readBody: false });
  return { status: r.status, headers: r.headers };
}

export const STEP_TITLES: Record<number, string> = {
  1: "outpost Service has ready endpoints",
  2: "Service selector selects the outpost pods",
  3: "outpost runs embedded with the PostgreSQL session backend",
  4: "/dev/shm in the outpost pod is essentially empty",
  5: "proxy sessions expire after access_token_validity",
  6: "edge: forward-auth redirects to authentik",
  7: "plan-to-zero",
};

export async function verifyUpgrade(o: VerifyOptions): Promise<StepResult[]> {
  const c = o.config;
  const n = deriveNames(c);
  const kubectl = kubectlRunner(o);
  const ns = c.namespace;
  const svc = n.outpostObjectName;
  const ports = [c.outpost.ports.http, c.outpost.ports.metrics, c.outpost.ports.https];
  const cmds: Record<number, string[][]> = {
    1: [["-n", ns, "get", "endpoints", svc, "-o", "json"]],
    2: [["-n", ns, "get", "service", svc, "-o", "json"]],
    3: [["-n", ns, "logs", `deploy/${svc}`]],
    4: [["-n", ns, "exec", `deploy/${svc}`, "--", "sh", "-c", "ls -A /dev/shm | wc -l"]],
    5: [["-n", ns, "exec", `deploy/${n.serverDeployment}`, "--", "ak", "shell", "-c", SESSION_QUERY]],
  };

  const checks: Record<number, () => Promise<{ verdict: Verdict; evidence: string; todo?: string }>> = {
    1: async () => {
      const ep = parseJson(await kubectl(cmds[1][0]), "endpoints");
      const subsets = objects(ep.subsets, "endpoints .subsets");
      const ips = subsets.flatMap((s) => objects(s.addresses, "endpoints .subsets[].addresses").map((a) => String(a.ip)));
      const notReady = subsets.flatMap((s) => objects(s.notReadyAddresses, "endpoints .subsets[].notReadyAddresses").map((a) => String(a.ip)));
      const seenPorts = new Set(subsets.flatMap((s) => objects(s.ports, "endpoints .subsets[].ports").map((p) => p.port)));
      const missing = ports.filter((p) => !seenPorts.has(p));
      const evidence = `${ips.length} ready address(es) [${ips.join(", ")}]${notReady.length ? `, ${notReady.length} not ready` : ""}; ports ${[...seenPorts].join(", ") || "none"}`;
      if (ips.length === 0) return { verdict: "FAIL", evidence, todo: `No ready endpoints: Traefik forward-auth falls back to Basic Auth ("Emergency Access"). Check the selector (step 2) and the outpost pods: kubectl -n ${ns} get pods -l ${LABEL_KEYS.outpostName}=${n.outpostSlug}` };
      if (ips.length !== c.outpost.replicas) return { verdict: "FAIL", evidence: `${evidence}; expected ${c.outpost.replicas} (kubernetes_replicas)`, todo: `Expected one ready address per outpost replica; if ${ips.length} > ${c.outpost.replicas}, the selector probably matches other pods (step 2).` };
      if (missing.length) return { verdict: "FAIL", evidence: `${evidence}; missing ${missing.join(", ")}`, todo: "The outpost pod does not expose all its ports; check the deployment patches (AK006)." };
      return { verdict: "PASS", evidence };
    },
    2: async () => {
      const s = parseJson(await kubectl(cmds[2][0]), "service");
      const rawSel: unknown = s.spec?.selector ?? {};
      if (rawSel === null || typeof rawSel !== "object" || Array.isArray(rawSel) || !Object.values(rawSel).every((v) => typeof v === "string")) {
        throw new StepError("service .spec.selector: expected an object of label=value strings", "Rerun the command by hand and look at its output.");
      }
      const sel = rawSel as Record<string, string>;
      const evidence = `selector ${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(", ") || "(none)"}`;
      if (sel[LABEL_KEYS.name] === SERVER_POD_LABELS[LABEL_KEYS.name]) return { verdict: "FAIL", evidence, todo: "The controller's embedded-outpost selector (server pods) is back: the kubernetes_json_patches.service patch was unset or not applied. Run `npx authentik-stack check`, re-apply the stack, and watch goauthentik's internal/outpost/controllers/k8s/service.py for an upstream fix." };
      const wrong = Object.entries(n.outpostPodLabels).filter(([k, v]) => sel[k] !== v);
      const extra = Object.keys(sel).filter((k) => !(k in n.outpostPodLabels));
      if (wrong.length || extra.length) return { verdict: "FAIL", evidence, todo: `Expected exactly the outpost's labels: ${Object.entries(n.outpostPodLabels).map(([k, v]) => `${k}=${v}`).join(", ")}.` };
      return { verdict: "PASS", evidence };
    },
    3: async () => {
      const lines = (await kubectl(cmds[3][0])).split("\n").flatMap((l) => {
        try {
          const j = JSON.parse(l);
          return j && typeof j === "object" ? [j] : [];
        } catch {
          return [];
        }
      });
      const mode = lines.find((l) => l.event === "Outpost mode");
      const backend = lines.find((l) => typeof l.event === "string" && /session backend/.test(l.event));
      const evidence = `Outpost mode: ${mode ? `embedded=${mode.embedded}` : "not logged"}; ${backend ? backend.event : "no session backend line"}`;
      if (mode?.embedded === true && backend?.event === "using PostgreSQL session backend") return { verdict: "PASS", evidence };
      return {
        verdict: "FAIL",
        evidence,
        todo: !mode || !backend
          ? "The startup lines are missing (pod restarted long ago, or logs rotated): restart the outpost (kubectl rollout restart) and rerun --step 3."
          : "The outpost is not embedded or uses the filesystem store: Outpost.managed was likely cleared (or the provider schema started exposing managed and Terraform reset it). Set managed back to goauthentik.io/outposts/embedded in authentik, check AK004, then restart the outpost.",
      };
    },
    4: async () => {
      const text = (await kubectl(cmds[4][0])).trim();
      const count = Number(text);
      if (!/^\d+$/.test(text)) throw new StepError(`unexpected output '${text.slice(0, 40)}'`, "Rerun the command by hand.");
      const evidence = `${count} file(s) in /dev/shm (threshold ${c.verify.shmMaxFiles})`;
      return count < c.verify.shmMaxFiles ? { verdict: "PASS", evidence } : { verdict: "FAIL", evidence, todo: "Session files accumulate in /dev/shm: the filesystem session store is in use (see step 3); the pod will fill its tmpfs and OOM." };
    },
    5: async () => {
      const out = (await kubectl(cmds[5][0])).trim().split("\n").filter(Boolean).pop() ?? "";
      const j = parseJson(out, "ak shell output");
      if ((j.count !== undefined && j.count !== null && typeof j.count !== "number") || (j.max_expires != null && typeof j.max_expires !== "string")) {
        throw new StepError("ak shell output: expected {\"count\": number, \"max_expires\": ISO-8601 string or null}", "Rerun the command by hand and look at its output.");
      }
      const ttlDays = durationSeconds(c.catchAll.accessTokenValidity) / 86400;
      if (!j.count || !j.max_expires) return { verdict: "FAIL", evidence: `${j.count ?? 0} proxy session row(s)`, todo: "No PostgreSQL proxy sessions: the outpost is not using the PostgreSQL backend (step 3), or no traffic reached it yet." };
      const now = (o.now ?? (() => new Date()))();
      const expires = Date.parse(j.max_expires);
      if (Number.isNaN(expires)) throw new StepError(`ak shell output: max_expires ${JSON.stringify(String(j.max_expires).slice(0, 40))} is not an ISO-8601 time`, "Rerun the command by hand and look at its output.");
      const aheadDays = (expires - now.getTime()) / 86400000;
      const tolDays = c.verify.sessionExpiryToleranceHours / 24;
      const evidence = `${j.count} row(s); newest expires ${j.max_expires}, ${aheadDays.toFixed(2)} days from now; expected ~${ttlDays} days (${c.catchAll.accessTokenValidity}) ± ${c.verify.sessionExpiryToleranceHours}h`;
      if (Math.abs(aheadDays - ttlDays) <= tolDays) return { verdict: "PASS", evidence };
      return { verdict: "FAIL", evidence, todo: `Sessions use another lifetime than access_token_validity: the outpost binds it at start-up. Restart it: kubectl -n ${ns} rollout restart deploy/${svc}` };
    },
    6: async () => {
      const url = c.verify.edgeUrl;
      let r;
      try {
        r = await probe(url, c.verify.commandTimeoutSeconds * 1000);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        throw new StepError(e.message, "Check DNS and network reachability of the protected URL.");
      }
      const loc = String(r.headers.location ?? "");
      let host = "";
      try {
        host = loc ? new URL(loc, url).host : "";
      } catch {
        host = "";
      }
      const evidence = `GET ${url} -> ${r.status}${loc ? ` Location: ${loc}` : ""}${r.headers["x-auth-fallback"] ? ` X-Auth-Fallback: ${r.headers["x-auth-fallback"]}` : ""}${r.headers["www-authenticate"] ? ` WWW-Authenticate: ${r.headers["www-authenticate"]}` : ""}`;
      if (r.status === 302 && host === n.authentikHost) return { verdict: "PASS", evidence };
      if (r.status === 401) return { verdict: "FAIL", evidence, todo: `The Emergency Access fallback answered: the outpost Service has no endpoints. Run --step 1 --step 2; check kubectl -n ${ns} get endpoints ${svc}.` };
      return { verdict: "FAIL", evidence, todo: `Expected 302 to ${n.authentikHost}.` };
    },
    7: async () => {
      if (!o.planToZero) throw new StepError("no plan-to-zero runner", "Run `npx authentik-stack plan-to-zero`.");
      const changes = await o.planToZero();
      if (changes.length === 0) return { verdict: "PASS", evidence: "No changes" };
      return { verdict: "FAIL", evidence: changes.join("; "), todo: "The stack and the live state differ: run `npx authentik-stack plan-to-zero` for details, and reconcile before applying anything else." };
    },
  };

  const wanted = o.steps?.length ? [...new Set(o.steps)].sort() : [1, 2, 3, 4, 5, 6, 7];
  const results: StepResult[] = [];
  for (const step of [1, 2, 3, 4, 5, 6, 7]) {
    const commands = step === 6 ? [`GET ${c.verify.edgeUrl} (User-Agent: browser, no redirects)`] : step === 7 ? ["npx authentik-stack plan-to-zero"] : cmds[step].map((a) => kubectl.render(a));
    if (!wanted.includes(step)) {
      results.push({ step, title: STEP_TITLES[step], verdict: "SKIP", evidence: "not selected", commands });
      continue;
    }
    try {
      results.push({ step, title: STEP_TITLES[step], commands, ...(await checks[step]()) });
    } catch (e) {
      const se = e instanceof StepError ? e : new StepError((e as Error).message, "See the error.");
      results.push({ step, title: STEP_TITLES[step], verdict: "ERROR", evidence: se.message, todo: se.todo, commands });
    }
  }
  return results;
}
