/**
 * verify-upgrade against a stand-in kubectl on $PATH that replays recorded real-format outputs
 * (fixtures/recorded), and a real HTTP server on loopback for the edge check.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { DeepPartial, StackConfig, loadConfig } from "../config";
import { judgePlan, formatVerdict } from "../engine/plan";
import { verifyUpgrade, StepResult } from "../engine/verify";
import { ROOT } from "./support/synth";

const REC = path.join(ROOT, "__tests__", "fixtures", "recorded");
const healthy = () => ({
  endpoints: JSON.parse(fs.readFileSync(path.join(REC, "endpoints.json"), "utf8")),
  service: JSON.parse(fs.readFileSync(path.join(REC, "service.json"), "utf8")),
  logs: fs.readFileSync(path.join(REC, "outpost.log"), "utf8"),
  shm: "3\n",
  sessions: fs.readFileSync(path.join(REC, "sessions.txt"), "utf8"),
});
const NOW = new Date("2026-11-29T12:00:00Z"); // sessions.txt's newest row expires 28 days after this

let edge: http.Server;
let edgeAnswer: { status: number; headers: Record<string, string> } = { status: 302, headers: { Location: "https://authentik.viktorbarzin.me/outpost.goauthentik.io/start?rd=x" } };
let edgeUrl = "";
let lastUserAgent = "";

beforeAll(async () => {
  edge = http.createServer((req, res) => {
    lastUserAgent = String(req.headers["user-agent"]);
    res.writeHead(edgeAnswer.status, edgeAnswer.headers);
    res.end();
  });
  await new Promise<void>((r) => edge.listen(0, "127.0.0.1", () => r()));
  edgeUrl = `http://127.0.0.1:${(edge.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => edge.close(() => r())));

async function run(scenario: Record<string, unknown>, opts: { steps?: number[]; config?: DeepPartial<StackConfig>; plan?: () => Promise<string[]>; kubectl?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-verify-"));
  fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(scenario));
  const log = path.join(dir, "argv.log");
  const config = loadConfig({ verify: { edgeUrl, commandTimeoutSeconds: 5 }, ...(opts.config ?? {}) } as DeepPartial<StackConfig>);
  const results = await verifyUpgrade({
    config,
    steps: opts.steps,
    kubectl: opts.kubectl ?? path.join(ROOT, "__tests__", "fixtures", "bin", "kubectl"),
    env: { ...process.env, KUBECTL_SCENARIO: path.join(dir, "scenario.json"), KUBECTL_LOG: log },
    now: () => NOW,
    planToZero: opts.plan ?? (async () => []),
  });
  const argv = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
  return { results, argv, step: (n: number) => results.find((r) => r.step === n) as StepResult };
}

describe("verify-upgrade", () => {
  it("passes every step on a healthy cluster, with the documented commands", async () => {
    const { results, argv } = await run(healthy());
    expect(results.map((r) => `${r.step} ${r.verdict}`)).toEqual(["1 PASS", "2 PASS", "3 PASS", "4 PASS", "5 PASS", "6 PASS", "7 PASS"]);
    expect(argv).toEqual([
      ["-n", "authentik", "get", "endpoints", "ak-outpost-authentik-embedded-outpost", "-o", "json"],
      ["-n", "authentik", "get", "service", "ak-outpost-authentik-embedded-outpost", "-o", "json"],
      ["-n", "authentik", "logs", "deploy/ak-outpost-authentik-embedded-outpost"],
      ["-n", "authentik", "exec", "deploy/ak-outpost-authentik-embedded-outpost", "--", "sh", "-c", "ls -A /dev/shm | wc -l"],
      ["-n", "authentik", "exec", "deploy/goauthentik-server", "--", "ak", "shell", "-c", expect.stringContaining("authentik_providers_proxy_proxysession")],
    ]);
    expect(lastUserAgent).toMatch(/^Mozilla\/5\.0/);
  });

  it("step 1 fails on empty endpoints (the Emergency Access fallback)", async () => {
    const s = healthy();
    s.endpoints.subsets = [];
    const { step } = await run(s, { steps: [1] });
    expect(step(1).verdict).toBe("FAIL");
    expect(step(1).todo).toContain("Emergency Access");
  });

  it("step 1 expects as many addresses as kubernetes_replicas in the config", async () => {
    const { step } = await run(healthy(), { steps: [1], config: { outpost: { replicas: 2 } } });
    expect(step(1).verdict).toBe("FAIL");
    expect(step(1).evidence).toContain("expected 2 (kubernetes_replicas)");
  });

  it("step 2 fails when the selector flips back to app.kubernetes.io/name=authentik", async () => {
    const s = healthy();
    s.service.spec.selector = { "app.kubernetes.io/name": "authentik", "app.kubernetes.io/component": "server" };
    const { step } = await run(s, { steps: [2] });
    expect(step(2).verdict).toBe("FAIL");
    expect(step(2).todo).toContain("service.py");
  });

  it("step 3 fails on embedded=false", async () => {
    const { step } = await run({ ...healthy(), logs: healthy().logs.replace('"embedded":true', '"embedded":false') }, { steps: [3] });
    expect(step(3).verdict).toBe("FAIL");
    expect(step(3).evidence).toContain("embedded=false");
  });

  it("step 3 fails on the filesystem session backend", async () => {
    const { step } = await run({ ...healthy(), logs: healthy().logs.replace("using PostgreSQL session backend", "using filesystem session backend") }, { steps: [3] });
    expect(step(3).verdict).toBe("FAIL");
    expect(step(3).todo).toContain("Outpost.managed");
  });

  it("step 4 fails with hundreds of files in /dev/shm", async () => {
    const { step } = await run({ ...healthy(), shm: "412\n" }, { steps: [4] });
    expect(step(4).verdict).toBe("FAIL");
    expect(step(4).evidence).toBe("412 file(s) in /dev/shm (threshold 40)");
  });

  it("step 5 fails when sessions expire 7 days out while the TTL says 28", async () => {
    const { step } = await run({ ...healthy(), sessions: '{"count": 20, "max_expires": "2026-12-06T12:00:00+00:00"}\n' }, { steps: [5] });
    expect(step(5).verdict).toBe("FAIL");
    expect(step(5).evidence).toContain("expected ~28 days (weeks=4)");
    expect(step(5).todo).toContain("rollout restart deploy/ak-outpost-authentik-embedded-outpost");
  });

  it("step 5 moves its expectation with the TTL in the config", async () => {
    const { step } = await run({ ...healthy(), sessions: '{"count": 20, "max_expires": "2026-12-06T12:00:00+00:00"}\n' }, { steps: [5], config: { catchAll: { accessTokenValidity: "days=7" } } });
    expect(step(5).verdict).toBe("PASS");
  });

  it("step 6 fails on 401 with X-Auth-Fallback, from a real HTTP server", async () => {
    edgeAnswer = { status: 401, headers: { "WWW-Authenticate": 'Basic realm="Emergency Access"', "X-Auth-Fallback": "true" } };
    try {
      const { step } = await run(healthy(), { steps: [6] });
      expect(step(6).verdict).toBe("FAIL");
      expect(step(6).evidence).toContain("X-Auth-Fallback: true");
    } finally {
      edgeAnswer = { status: 302, headers: { Location: "https://authentik.viktorbarzin.me/outpost.goauthentik.io/start?rd=x" } };
    }
  });

  it("step 6 fails on a redirect to another host", async () => {
    edgeAnswer = { status: 302, headers: { Location: "https://login.example.org/" } };
    try {
      expect((await run(healthy(), { steps: [6] })).step(6).verdict).toBe("FAIL");
    } finally {
      edgeAnswer = { status: 302, headers: { Location: "https://authentik.viktorbarzin.me/outpost.goauthentik.io/start?rd=x" } };
    }
  });

  it("step 7 fails on a plan with changes (recorded real plan)", async () => {
    const plan = JSON.parse(fs.readFileSync(path.join(REC, "plan-with-changes.json"), "utf8"));
    const { step } = await run(healthy(), { steps: [7], plan: async () => formatVerdict(judgePlan(plan)).slice(1) });
    expect(step(7).verdict).toBe("FAIL");
    expect(step(7).evidence).toContain("authentik_provider_proxy.catchall: access_token_validity");
  });

  it("a step that cannot run is ERROR, never PASS: kubectl missing, kubectl failing, timeout", async () => {
    const missing = await run(healthy(), { steps: [1], kubectl: "/nonexistent/kubectl" });
    expect(missing.step(1)).toMatchObject({ verdict: "ERROR", evidence: expect.stringContaining("kubectl not found") });
    const failing = await run({ ...healthy(), service: { exit: 1, stderr: 'error: context "prod" does not exist\n' } }, { steps: [2] });
    expect(failing.step(2)).toMatchObject({ verdict: "ERROR", evidence: expect.stringContaining('context "prod" does not exist') });
    const slow = await run({ ...healthy(), shm: { exit: 0, sleepMs: 3000 } }, { steps: [4], config: { verify: { edgeUrl, commandTimeoutSeconds: 1 } } });
    expect(slow.step(4)).toMatchObject({ verdict: "ERROR", evidence: expect.stringContaining("timed out") });
  });

  it("runs only the selected steps; the rest are SKIP", async () => {
    const { results, argv } = await run(healthy(), { steps: [2, 4] });
    expect(results.map((r) => r.verdict)).toEqual(["SKIP", "PASS", "SKIP", "PASS", "SKIP", "SKIP", "SKIP"]);
    expect(argv).toHaveLength(2);
  });
});

describe("verify-upgrade on wrongly shaped kubectl output", () => {
  const cases: Array<[string, number, string, unknown, RegExp]> = [
    ["endpoints as an array", 1, "endpoints", [], /endpoints: expected a JSON object, got an array/],
    ["endpoints as null", 1, "endpoints", "null", /endpoints: expected a JSON object, got null/],
    ["subsets not a list", 1, "endpoints", { subsets: "x" }, /endpoints \.subsets: expected a list of objects/],
    ["addresses not a list", 1, "endpoints", { subsets: [{ addresses: 5 }] }, /\.addresses: expected a list of objects/],
    ["garbage instead of JSON", 2, "service", "<html>502 Bad Gateway</html>", /service is not JSON/],
    ["a selector that is a list", 2, "service", { spec: { selector: ["a"] } }, /\.spec\.selector: expected an object of label=value strings/],
    ["very deep JSON", 2, "service", "[".repeat(100000) + "]".repeat(100000), /nested deeper than 200 levels/],
    ["session count not a number", 5, "sessions", '{"count": "many", "max_expires": null}\n', /expected \{"count": number/],
    ["session output a list", 5, "sessions", "[1, 2]\n", /expected a JSON object, got an array/],
    ["an expiry that is no time", 5, "sessions", '{"count": 3, "max_expires": "soon"}\n', /max_expires "soon" is not an ISO-8601 time/],
  ];
  it.each(cases)("%s: step %i is ERROR with a one-line reason, no crash", async (_name, stepNo, key, answer, msg) => {
    const { step } = await run({ ...healthy(), [key]: answer }, { steps: [stepNo] });
    expect(step(stepNo).verdict).toBe("ERROR");
    expect(step(stepNo).evidence).toMatch(msg);
    expect(step(stepNo).evidence).not.toContain("\n");
  });
});
