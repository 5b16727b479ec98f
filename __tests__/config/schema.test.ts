/**
 * Config validation against the schema (config/schema.ts): every case issue 12 lists, and more of the same
 * classes, is refused with one line naming the field, the value and what is allowed; defaults reach each
 * list entry; the published JSON Schema is the generated one.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { ConfigError, DEFAULT_CONFIG, loadConfig } from "../../config";
import { overrideJsonSchema } from "../../config/json-schema";
import { ROOT } from "../support/synth";

/** Problems for an override given as JSON text (as the file is read: "__proto__" stays an own key). */
function problems(json: string): string[] {
  try {
    loadConfig(JSON.parse(json));
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const app = (extra: Record<string, unknown> = {}) => ({ resourceName: "grafana", providerName: "Provider for Grafana", applicationName: "Grafana", slug: "grafana", ...extra });

describe("the issue's cases", () => {
  it.each([
    ["a null resourceName (would rename the catch-all)", { catchAll: { resourceName: null } }, /^config\.catchAll\.resourceName: null is not a string; allowed: a Terraform resource name/],
    ["a duplicate slug", { extraProxyApplications: [app({ slug: "domain-wide-catch-all" })] }, /^config\.extraProxyApplications\[0\]\.slug: "domain-wide-catch-all" is already used by catchAll\.slug; allowed: .*unique application slugs/],
    ["an array where a string belongs", { namespace: ["authentik"] }, /^config\.namespace: an array \(1 item\(s\)\) is not a string; allowed: a Kubernetes namespace/],
    ["1e308 replicas", { outpost: { replicas: 1e308 } }, /^config\.outpost\.replicas: 1e\+308 is out of range; allowed: a whole number of pods from 1 to 2147483647/],
    ["an infinite alert threshold", '{"alerts": {"fallback401RatePerSecond": 1e999}}', /^config\.alerts\.fallback401RatePerSecond: Infinity is not finite; allowed: a finite rate per second greater than 0/],
    ["a zero /dev/shm size", { outpost: { shmSizeLimit: "0" } }, /^config\.outpost\.shmSizeLimit: "0" is zero; allowed: a Kubernetes quantity: .*greater than zero and at most 2\^63-1 \(the \/dev\/shm size; zero would make the memory alerts fire always\)/],
    ["a 60-character Helm release name", { release: { name: "a".repeat(60) } }, /^config\.release\.name: "a{60}" is 60 characters long; allowed: a Helm release name \(DNS-1123 label; Helm allows 53 characters\)/],
    ["a __proto__ key", '{"__proto__": {"namespace": "x"}}', /^config\.__proto__: unknown setting; allowed: stackName, domain/],
    ["a nested __proto__ key", '{"outpost": {"__proto__": {"replicas": 5}}}', /^config\.outpost\.__proto__: unknown setting; allowed: name, uuid/],
    ["a constructor key", '{"constructor": {"prototype": {}}}', /^config\.constructor: unknown setting/],
    ["null for a whole section", '{"outpost": null}', /^config\.outpost: null is not allowed; allowed: an object with name, uuid/],
    ["'weeks=4; days=2' (28 days to authentik)", { catchAll: { accessTokenValidity: "weeks=4; days=2" } }, /^config\.catchAll\.accessTokenValidity: "weeks=4; days=2" is not an authentik duration \(authentik silently ignores ' days' \(spaces around the unit\) and reads 28 days\)/],
  ])("%s is refused, one line", (_name, over, msg) => {
    const p = problems(typeof over === "string" ? over : JSON.stringify(over));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(msg as RegExp);
    expect(p[0]).not.toContain("\n");
  });

  it("an extra application without names is refused, one line per missing name", () => {
    expect(problems(JSON.stringify({ extraProxyApplications: [{ slug: "x" }] }))).toEqual([
      expect.stringMatching(/^config\.extraProxyApplications\[0\]\.resourceName: missing; allowed: a Terraform resource name/),
      expect.stringMatching(/^config\.extraProxyApplications\[0\]\.providerName: missing; allowed: non-empty text/),
      expect.stringMatching(/^config\.extraProxyApplications\[0\]\.applicationName: missing; allowed: non-empty text/),
    ]);
  });

  it("a __proto__ key pollutes nothing", () => {
    problems('{"__proto__": {"polluted": true}, "outpost": {"__proto__": {"polluted": true}}}');
    expect(({} as any).polluted).toBeUndefined();
  });

  it("defaults reach each list entry", () => {
    const c = loadConfig({ extraProxyApplications: [app(), app({ resourceName: "wiki", providerName: "Provider for Wiki", slug: "wiki", mode: "proxy" })] } as any);
    expect(c.extraProxyApplications.map((a) => [a.mode, a.accessTokenValidity])).toEqual([
      ["forward_domain", "weeks=4"],
      ["proxy", "weeks=4"],
    ]);
  });
});

describe("more of the same classes", () => {
  it.each([
    ["a string for a boolean", { release: { atomic: "yes" } }, /^config\.release\.atomic: "yes" is not true or false/],
    ["a number as a string", { outpost: { replicas: "2" } }, /^config\.outpost\.replicas: "2" is not a number/],
    ["a fractional replica count", { pgbouncer: { replicas: 1.5 } }, /^config\.pgbouncer\.replicas: 1\.5 is not a whole number/],
    ["a negative port", { pgbouncer: { port: -1 } }, /^config\.pgbouncer\.port: -1 is out of range; allowed: an integer port from 1 to 65535/],
    ["a fraction above 1", { alerts: { shmFullFraction: 1.5 } }, /^config\.alerts\.shmFullFraction: 1\.5 is out of range; allowed: a fraction greater than 0 and at most 1/],
    ["a zero fraction", { alerts: { memoryWarningFractionOfShm: 0 } }, /is out of range/],
    ["a log level outside the set", { outpost: { logLevel: "verbose" } }, /^config\.outpost\.logLevel: "verbose" is not one of the allowed values; allowed: trace, debug, info, warning, error/],
    ["a proxy mode outside the set", { catchAll: { mode: "forward-domain" } }, /allowed: forward_domain, forward_single, proxy/],
    ["an empty provider name", { extraProxyApplications: [app({ providerName: "" })] }, /^config\.extraProxyApplications\[0\]\.providerName: "" is empty/],
    ["a duplicate provider name", { extraProxyApplications: [app({ providerName: "Provider for Domain wide catch all" })] }, /providerName: .* is already used by catchAll\.providerName/],
    ["a duplicate resource name", { extraProxyApplications: [app(), app({ slug: "other", providerName: "Other" })] }, /^config\.extraProxyApplications\[1\]\.resourceName: "grafana" is already used by extraProxyApplications\[0\]\.resourceName/],
    ["an unknown key in a list entry", { extraProxyApplications: [app({ slgu: "x" })] }, /^config\.extraProxyApplications\[0\]\.slgu: unknown setting/],
    ["null as a list entry", { extraProxyApplications: [null] }, /^config\.extraProxyApplications\[0\]: null is not allowed; allowed: an object/],
    ["a string for the list", { extraProxyApplications: "grafana" }, /^config\.extraProxyApplications: "grafana" is not allowed; allowed: a list of objects/],
    ["a quota key that is no resource name", { quota: { "Requests CPU": "4" } }, /^config\.quota\.Requests CPU: "Requests CPU" is not a resource name/],
    ["a negative quota", { quota: { pods: "-1" } }, /^config\.quota\.pods: "-1" is negative; allowed: a Kubernetes quantity: .*, zero or more and at most 2\^63-1 \(a quota\)/],
    ["a quantity with a space", { outpost: { memoryLimit: "3 Gi" } }, /^config\.outpost\.memoryLimit: "3 Gi" is not a Kubernetes quantity/],
    ["a memory limit not above /dev/shm", { outpost: { memoryLimit: "2Gi" } }, /memoryLimit: "2Gi" is not larger than shmSizeLimit "2Gi"/],
    ["minAvailable above replicas", { pgbouncer: { minAvailable: 4 } }, /^config\.pgbouncer\.minAvailable: 4 is more than replicas \(3\)/],
    ["a namespace too long", { namespace: "n".repeat(64) }, /is 64 characters long/],
    ["an upper-case namespace", { namespace: "Authentik" }, /^config\.namespace: "Authentik" is not allowed; allowed: a Kubernetes namespace/],
    ["a timeout of zero", { verify: { commandTimeoutSeconds: 0 } }, /^config\.verify\.commandTimeoutSeconds: 0 is out of range/],
    ["a huge tolerance", '{"verify": {"sessionExpiryToleranceHours": 1e999}}', /Infinity is not finite/],
    ["a repeated unit in a duration", { loginStage: { sessionDuration: "days=1;days=2" } }, /'days' is given twice; authentik keeps only the last and reads 2 days/],
    ["an outpost name that renders too long a Service name", { outpost: { name: "x".repeat(60) } }, /^config\.outpost\.objectNamingTemplate: renders "ak-outpost-x+" \(71 characters\)/],
    ["two outpost ports alike", { outpost: { ports: { metrics: 9000 } } }, /^config\.outpost\.ports: 9000, 9000, 9443 repeats a port/],
  ])("%s is refused, one line", (_name, over, msg) => {
    const p = problems(typeof over === "string" ? over : JSON.stringify(over));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(msg as RegExp);
  });
  it("a top-level list, string or null is refused as a whole", () => {
    for (const v of ["[]", '"x"', "null"]) expect(problems(v)[0]).toMatch(/^config: .*; allowed: a JSON object holding a partial stack config/);
  });
  it("accepts the defaults, and a $schema key for editors", () => {
    expect(problems("{}")).toEqual([]);
    expect(problems('{"$schema": "./config/override.schema.json"}')).toEqual([]);
  });
});

describe("Kubernetes quantities, as apimachinery's ParseQuantity reads them (lib/quantity.ts)", () => {
  it("accepts the forms Kubernetes accepts: a sign, .5, 2., exponents, n and u", () => {
    const over = { outpost: { shmSizeLimit: "+2Gi", memoryLimit: "2.5Gi", memoryRequest: ".125Gi", cpuRequest: "1e-1" }, quota: { "requests.memory": "4E9", "limits.cpu": "4.", "requests.cpu": "500000u", pods: "+0" } };
    expect(problems(JSON.stringify(over))).toEqual([]);
  });
  it.each([
    ["a negative memory limit", { outpost: { memoryLimit: "-3Gi" } }, /^config\.outpost\.memoryLimit: "-3Gi" is negative; allowed: a Kubernetes quantity: .*greater than zero and at most 2\^63-1 \(memory\)\. Fix: /],
    ["a negative quota in exponent form", { quota: { "requests.memory": "-1e9" } }, /^config\.quota\.requests\.memory: "-1e9" is negative; allowed: .*zero or more/],
    ["9Ei (Kubernetes cuts it to 2^63-1)", { outpost: { memoryLimit: "9Ei" } }, /^config\.outpost\.memoryLimit: "9Ei" is larger than 2\^63-1 \(9223372036854775807\); allowed: /],
    ["1e400", { quota: { pods: "1e400" } }, /^config\.quota\.pods: "1e400" is larger than 2\^63-1/],
    ["a suffix without a number (Kubernetes would read 0)", { outpost: { shmSizeLimit: "Gi" } }, /^config\.outpost\.shmSizeLimit: "Gi" is not a Kubernetes quantity; allowed: a Kubernetes quantity: a decimal number with an optional sign/],
    ["a trailing space", { outpost: { memoryLimit: "3Gi " } }, /^config\.outpost\.memoryLimit: "3Gi " is not a Kubernetes quantity/],
    ["a lower-case binary suffix", { outpost: { memoryRequest: "128ki" } }, /^config\.outpost\.memoryRequest: "128ki" is not a Kubernetes quantity/],
    ["a fractional exponent", { outpost: { cpuRequest: "1e-1.5" } }, /^config\.outpost\.cpuRequest: "1e-1\.5" is not a Kubernetes quantity/],
    ["zero written as an exponent", { outpost: { shmSizeLimit: "0.0e5" } }, /^config\.outpost\.shmSizeLimit: "0\.0e5" is zero; allowed: /],
    ["a request above the limit, compared by value", { outpost: { memoryRequest: "3e9" } }, /^config\.outpost\.memoryRequest: "3e9" is larger than memoryLimit "2560Mi"/],
    ["a limit equal to /dev/shm in another form", { outpost: { memoryLimit: "2147483648" } }, /^config\.outpost\.memoryLimit: "2147483648" is not larger than shmSizeLimit "2Gi"/],
  ])("%s is refused, one line", (_name, over, msg) => {
    const p = problems(JSON.stringify(over));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(msg);
  });
  it("a quota of exactly 2^63-1 is allowed", () => {
    expect(problems(JSON.stringify({ quota: { pods: "9223372036854775807" } }))).toEqual([]);
  });
});

describe("a bad override file through the CLI", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-cfg-cli-"));
  it.each([
    ["null resourceName", '{"catchAll": {"resourceName": null}}', /config\.catchAll\.resourceName: null is not a string/],
    ["very deep JSON", '{"quota": ' + "[".repeat(100000) + "]".repeat(100000) + "}", /JSON nested 100001 levels deep/],
    ["not JSON", "{ not json", /not JSON/],
  ])("%s: exit 2, one line, nothing written", (_name, text, msg) => {
    const cfg = path.join(dir, "cfg.json");
    fs.writeFileSync(cfg, text);
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "authentik-stack.js"), "alerts"], { cwd: dir, encoding: "utf8", env: { ...process.env, AUTHENTIK_STACK_CONFIG: cfg } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(fs.readdirSync(dir)).toEqual(["cfg.json"]);
  });
});

describe("a bad override file through npm run synth", () => {
  it("exits 2, one line per problem, writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ak-cfg-synth-"));
    const cfg = path.join(dir, "cfg.json");
    fs.writeFileSync(cfg, JSON.stringify({ catchAll: { resourceName: null }, outpost: { shmSizeLimit: "0Gi" } }));
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "synth.js")], { cwd: dir, encoding: "utf8", env: { ...process.env, AUTHENTIK_STACK_CONFIG: cfg } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^\[synth\] config\.outpost\.shmSizeLimit: "0Gi" is zero/),
      expect.stringMatching(/^\[synth\] config\.catchAll\.resourceName: null is not a string/),
    ]);
    expect(fs.readdirSync(dir)).toEqual(["cfg.json"]);
  });
});

describe("the published JSON Schema", () => {
  const file = path.join(ROOT, "config", "override.schema.json");
  it("is the one scripts/gen-config-schema.js writes (regenerate with npm run gen:config-schema)", () => {
    expect(fs.readFileSync(file, "utf8")).toBe(JSON.stringify(overrideJsonSchema(DEFAULT_CONFIG), null, 2) + "\n");
  });
  it("closes every object, requires the list entries' names, and carries the live defaults", () => {
    const s = JSON.parse(fs.readFileSync(file, "utf8"));
    const objects: any[] = [];
    const walk = (n: any) => {
      if (n && typeof n === "object") {
        if (n.type === "object" && n.properties) objects.push(n);
        Object.values(n).forEach(walk);
      }
    };
    walk(s);
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.every((o) => o.additionalProperties === false)).toBe(true);
    expect(s.properties.extraProxyApplications.items.required).toEqual(["resourceName", "providerName", "applicationName", "slug"]);
    expect(s.properties.extraProxyApplications.items.properties.mode.default).toBe("forward_domain");
    expect(s.properties.release.properties.name.maxLength).toBe(53);
    expect(s.properties.outpost.properties.replicas.default).toBe(DEFAULT_CONFIG.outpost.replicas);
  });
});
