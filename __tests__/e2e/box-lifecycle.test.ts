/**
 * The rehearsal box's lifecycle with its real parts: `box up` starts a real control plane (etcd,
 * kube-apiserver, controller-manager, scheduler, KWOK), PostgreSQL and the loopback services; the
 * printed exports work in a shell; everything listens on 127.0.0.1 only; `box down` leaves no process
 * and no listener behind.
 */
import * as fs from "fs";
import * as path from "path";
import { BoxState } from "../../box/state";
import { boxEnv, cli, evalExports, listeners, processTree, run } from "../support/box";
import { alive } from "../../box/procs";

jest.setTimeout(600000);

const base = boxEnv();
let env: NodeJS.ProcessEnv = {};
let up: { code: number | null; out: string; err: string };
let state: BoxState;
let pids: number[] = [];

beforeAll(() => {
  up = cli(["box", "up"], base);
  if (up.code === 0) {
    env = evalExports(up.out, base);
    state = JSON.parse(fs.readFileSync(path.join(base.AUTHENTIK_STACK_BOX_DIR!, "state.json"), "utf8"));
    pids = state.procs.flatMap((p) => processTree(p.pid));
  }
});

afterAll(() => {
  // never leave a box behind, even when a test failed before `box down` ran
  cli(["box", "down"], base);
});

const kubectl = (args: string[]) => run("kubectl", args, env, { timeoutMs: 60000 });

describe("box up", () => {
  it("exits 0 and prints only export lines, with no secret value in them", () => {
    expect(up.err).toMatch(/box: up in/);
    expect(up.code).toBe(0);
    const lines = up.out.trim().split("\n");
    expect(lines.every((l) => l.startsWith("export "))).toBe(true);
    for (const k of ["KUBECONFIG", "PG_CONN_STR", "VAULT_ADDR", "VAULT_TOKEN", "AUTHENTIK_URL", "AUTHENTIK_TOKEN", "HTTPS_PROXY", "SSL_CERT_FILE", "TF_VAR_kube_config_path", "TF_VAR_secrets_dir", "TF_VAR_tls_secret_name", "TF_VAR_cloudflare_email", "TF_VAR_redis_host"]) {
      expect(env[k]).toBeTruthy();
    }
    for (const secret of [env.VAULT_TOKEN!, env.AUTHENTIK_TOKEN!, env.PG_CONN_STR!]) expect(up.out).not.toContain(secret);
  });

  it("runs a real API server: kubectl reports v1.34.3 and the KWOK node Ready", () => {
    const v = kubectl(["version", "-o", "json"]);
    expect(JSON.parse(v.out).serverVersion.gitVersion).toBe("v1.34.3");
    const nodes = JSON.parse(kubectl(["get", "nodes", "-o", "json"]).out);
    expect(nodes.items).toHaveLength(1);
    expect(nodes.items[0].status.conditions.find((c: any) => c.type === "Ready").status).toBe("True");
  });

  it("schedules pods that become Ready and lists them as a Service's endpoints", () => {
    expect(kubectl(["create", "namespace", "lifecycle"]).code).toBe(0);
    expect(kubectl(["-n", "lifecycle", "create", "deployment", "web", "--image=example.org/web:1", "--replicas=2", "--port=8080"]).code).toBe(0);
    expect(kubectl(["-n", "lifecycle", "expose", "deployment", "web", "--port=80", "--target-port=8080"]).code).toBe(0);
    const wait = kubectl(["-n", "lifecycle", "wait", "--for=condition=Available", "deployment/web", "--timeout=60s"]);
    expect(wait.code).toBe(0);
    let ready: string[] = [];
    for (let i = 0; i < 50 && ready.length < 2; i++) {
      const slices = JSON.parse(kubectl(["-n", "lifecycle", "get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json"]).out);
      ready = slices.items.flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions.ready).flatMap((e: any) => e.addresses));
      if (ready.length < 2) run("sleep", ["0.2"], env);
    }
    expect(ready).toHaveLength(2);
  });

  it("gives the stack a PostgreSQL backend it can log in to", () => {
    const r = run("psql", [env.PG_CONN_STR!, "-Atc", "SELECT current_database()"], env);
    expect(r.err).toBe("");
    expect(r.out.trim()).toBe("terraform");
  });

  it("serves Vault KV v2 at Vault's real address through the gateway, only with the box's token", () => {
    const curl = (token: string) => run("curl", ["-s", "-o", "-", "-w", "\\n%{http_code}", "-H", `X-Vault-Token: ${token}`, `${env.VAULT_ADDR}/v1/secret/data/platform`], env);
    const ok = curl(env.VAULT_TOKEN!).out.split("\n");
    expect(ok.pop()).toBe("200");
    expect(Object.keys(JSON.parse(ok.join("\n")).data.data).sort()).toEqual(["authentik_postgres_password", "cloudflare_api_key", "homepage_credentials"]);
    expect(curl("wrong-token").out.split("\n").pop()).toBe("403");
  });

  it("refuses to tunnel to a host it does not stand in for", () => {
    const r = run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_connect}", "https://registry.npmjs.org/"], env);
    expect(r.code).not.toBe(0);
    expect(r.out).toBe("403");
  });

  it("listens on 127.0.0.1 only", () => {
    const ours = listeners().filter((l) => l.pids.some((p) => pids.includes(p)));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    expect(ours.filter((l) => !l.local.startsWith("127.0.0.1:"))).toEqual([]);
  });

  it("box status says what runs and exits 0", () => {
    const s = cli(["box", "status"], base);
    expect(s.code).toBe(0);
    for (const name of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "postgres", "box-daemon"]) expect(s.out).toMatch(new RegExp(`${name}\\s+pid \\d+\\s+running`));
  });
});

describe("box down", () => {
  it("stops every process by PID and leaves no listener behind", () => {
    expect(pids.length).toBeGreaterThan(7);
    const ports = state.procs.flatMap((p) => p.ports);
    const d = cli(["box", "down"], base);
    expect(d.out).toMatch(/box: down \(\d+ process\(es\) stopped, no listener left\)/);
    expect(d.code).toBe(0);
    expect(pids.filter((p) => alive(p))).toEqual([]);
    const left = listeners().filter((l) => ports.some((port) => l.local === `127.0.0.1:${port}`) || l.pids.some((p) => pids.includes(p)));
    expect(left).toEqual([]);
    expect(cli(["box", "status"], base).out.trim()).toBe("box: not up");
  });
});
