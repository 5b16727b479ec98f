/**
 * The synthesized stack: every reference resource is there with every listed value (parity with
 * ../shared/reference/live-stack.yaml, copied into fixtures/reference), derived values move with the
 * config, addresses are accounted for, no secret material is inlined, and a reviewed snapshot.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT, identityAddresses, synthJson, withoutIdentity } from "./support/synth";

const ref = parse(fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "reference", "live-stack.yaml"), "utf8"));
const full: any = synthJson();
/** The deployment part of the stack: what the reference (today's Terraform state) holds. */
const json: any = withoutIdentity(full);

/** Where a reference address lives in the stack: directly, or as the target of a moved block. */
function locate(address: string): string | undefined {
  const moved = (json.moved ?? []).find((m: any) => m.from === address);
  const target = moved ? moved.to : address;
  const [type, name] = target.split(".");
  return json.resource?.[type]?.[name] ? target : undefined;
}

const VAULT_PATH: Record<string, string> = { secrets: "platform", authentik_tf: "authentik", cf_platform: "platform" };

/** Resolves the stack's expressions into the reference's notation. */
function toReference(v: any): any {
  if (typeof v === "string") {
    if (v === '${try(jsondecode(data.vault_kv_secret_v2.secrets.data["homepage_credentials"]).authentik.token, "")}') return "<secret:platform#homepage_credentials .authentik.token, or empty>";
    return v
      .replace(/\$\{data\.vault_kv_secret_v2\.([a-z_]+)\.data\["([a-z_]+)"\]\}/g, (_, d, k) => `<secret:${VAULT_PATH[d]}#${k}>`)
      .replace(/^\$\{file\("\$\{var\.secrets_dir\}\/([a-z.]+)"\)\}$/, (_, f) => `<file:${f}>`)
      .replace(/^\$\{kubernetes_namespace\.authentik\.metadata\[0\]\.name\}$/, "authentik")
      .replace(/^\$\{kubernetes_config_map\.pgbouncer_config\.metadata\[0\]\.name\}$/, "pgbouncer-config")
      .replace(/^\$\{kubernetes_secret\.pgbouncer_auth\.metadata\[0\]\.name\}$/, "pgbouncer-auth");
  }
  if (Array.isArray(v)) return v.map(toReference);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "//").map(([k, x]) => [k, toReference(x)]));
  return v;
}

/** Compares a reference value (blocks as lists of objects) with the synthesized one (blocks as objects or lists). */
function expectMatches(expected: any, actual: any, at: string): void {
  if (Array.isArray(expected) && expected.every((e) => e && typeof e === "object" && !Array.isArray(e)) && actual && !Array.isArray(actual) && typeof actual === "object") {
    expect({ at, n: 1 }).toEqual({ at, n: expected.length });
    return expectMatches(expected[0], actual, `${at}[0]`);
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    expect({ at, n: actual.length }).toEqual({ at, n: expected.length });
    expected.forEach((e, i) => expectMatches(e, actual[i], `${at}[${i}]`));
    return;
  }
  if (expected && typeof expected === "object") {
    for (const [k, e] of Object.entries(expected)) expectMatches(e, actual?.[k], `${at}.${k}`);
    return;
  }
  expect({ at, value: typeof expected === "number" || typeof actual === "number" ? String(actual) : actual }).toEqual({ at, value: typeof expected === "number" || typeof actual === "number" ? String(expected) : expected });
}

describe("parity with the live stack", () => {
  it("accounts for every reference address (directly or through a moved block)", () => {
    const missing = ref.resources.map((r: any) => r.address).filter((a: string) => !locate(a));
    expect(missing).toEqual([]);
    expect(ref.resources).toHaveLength(17);
  });

  it.each((ref.resources as any[]).map((r): [string, any] => [r.address, r]))("%s has every listed value", (address: string, r: any) => {
    const [type, name] = locate(address)!.split(".");
    const actual = toReference(json.resource[type][name]);
    const values = { ...r.values };
    if (type === "helm_release") {
      delete values.values;
      expect(actual.values).toEqual(["${sensitive(local.authentik_values)}"]);
      expect(parse(json.locals.authentik_values)).toEqual(r.values_yaml);
    }
    if (type === "authentik_outpost") {
      delete values.config;
      expect(JSON.parse(actual.config)).toEqual(r.config);
    }
    expectMatches(values, actual, address);
    expect(actual.lifecycle?.ignore_changes ?? []).toEqual(r.lifecycle?.ignore_changes ?? []);
    const deps = (actual.depends_on ?? []).map((d: string) => d.replace(/^\$\{|\}$/g, ""));
    expect(deps.map((d: string) => (json.moved ?? []).find((m: any) => m.to === d)?.from ?? d)).toEqual(r.depends_on ?? []);
  });

  it("has the reference's data sources, variables, providers and backend", () => {
    for (const d of ref.data_sources) {
      const [, type, name] = d.address.split(".");
      expect(toReference(json.data[type][name])).toMatchObject(d.values);
    }
    for (const [name, v] of Object.entries<any>(ref.variables)) expect(json.variable[name]).toMatchObject(v);
    expect(json.terraform.backend.pg).toEqual({ schema_name: "authentik" });
    expect(json.provider.vault[0]).toMatchObject({ address: "https://vault.viktorbarzin.me", skip_child_token: true });
    expect(toReference(json.provider.cloudflare[0].api_key)).toBe("<secret:platform#cloudflare_api_key>");
    expect(toReference(json.provider.authentik[0])).toMatchObject({ url: "https://authentik.viktorbarzin.me", token: "<secret:authentik#tf_api_token>" });
    expect(json.provider.kubernetes[0].config_path).toBe("${var.kube_config_path}");
  });

  it("adds only what is listed and justified here", () => {
    const extras = {
      // keeps the operator's e-mail (people's data) out of the repository; provider config, not state
      "variable.cloudflare_email": json.variable.cloudflare_email,
      // where file() finds the PEMs relative to the synthesized stack dir
      "variable.secrets_dir": json.variable.secrets_dir,
      // the values text, marked sensitive() like the live state (templatefile() with Vault args)
      "locals.authentik_values": json.locals.authentik_values,
      // the alert rules, published for the monitoring stack (an output: no cluster object)
      "output.alerting_rules_yaml": json.output.alerting_rules_yaml,
    };
    for (const v of Object.values(extras)) expect(v).toBeDefined();
    expect(Object.keys(json.variable).sort()).toEqual(["cloudflare_email", "kube_config_path", "redis_host", "secrets_dir", "tls_secret_name"]);
    expect(Object.keys(json.locals)).toEqual(["authentik_values"]);
    expect(Object.keys(json.output)).toEqual(["alerting_rules_yaml"]);
    expect(Object.values<any>(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0)).toBe(17);
    expect(Object.keys(json.data).flatMap((t) => Object.keys(json.data[t]))).toHaveLength(5);
    // the identity layer: live objects adopted through import blocks (adoption/identity.json), not in today's state
    expect(identityAddresses(full)).toHaveLength(25 + 4);
    // moved blocks out of modules need terraform >= 1.5 (the HCL stack declared no required_version)
    expect(json.terraform.required_version).toBe(">= 1.5.0");
    // required_providers: pins (authentik bumped from ~> 2024.10 to 2026.2.1 to match the server)
    expect(json.terraform.required_providers.authentik.version).toBe("2026.2.1");
  });
});

describe("derived values move with the config", () => {
  it("renaming the outpost and the namespace moves every derived name", () => {
    const j: any = synthJson({ namespace: "sso", outpost: { name: "Edge Outpost" } });
    const cfg = JSON.parse(j.resource.authentik_outpost.embedded.config);
    expect(cfg.kubernetes_namespace).toBe("sso");
    expect(cfg.kubernetes_json_patches.service[0].value["goauthentik.io/outpost-name"]).toBe("edge-outpost");
    const outpostIngress = j.resource.kubernetes_ingress_v1.authentik_outpost;
    expect(outpostIngress.spec.rule[0].http.path[0].backend.service.name).toBe("ak-outpost-edge-outpost");
    expect(j.resource.kubernetes_namespace.authentik.metadata.name).toBe("sso");
    expect(j.resource.kubernetes_config_map.pgbouncer_config.metadata.namespace).toBe("${kubernetes_namespace.authentik.metadata[0].name}");
    expect(j.output.alerting_rules_yaml.value).toContain('service=~"sso-ak-outpost-.*"');
    expect(j.output.alerting_rules_yaml.value).toContain("goauthentik.io/outpost-name=edge-outpost");
    expect(j.output.alerting_rules_yaml.value).toContain("get endpoints ak-outpost-edge-outpost");
  });
  it("the outpost env reads the values file's existingSecret", () => {
    const cfg = JSON.parse(json.resource.authentik_outpost.embedded.config);
    const refs = cfg.kubernetes_json_patches.deployment.filter((p: any) => p.path.endsWith("/env/-")).map((p: any) => p.value.valueFrom.secretKeyRef.name);
    expect(refs).toEqual(Array(5).fill("goauthentik"));
  });
});

describe("secrets", () => {
  it("the PEM files and Vault values are references, resolved at plan time", () => {
    expect(json.resource.kubernetes_secret.tls_secret.data["tls.key"]).toBe('${file("${var.secrets_dir}/privkey.pem")}');
    expect(json.resource.kubernetes_secret.pgbouncer_auth.data["userlist.txt"]).toBe('"authentik" "${data.vault_kv_secret_v2.secrets.data["authentik_postgres_password"]}"\n');
    expect(JSON.stringify(full)).not.toMatch(/-----BEGIN/);
  });
});

describe("an empty cluster", () => {
  // the box's first deploy once failed with "namespaces \"authentik\" not found": pgbouncer's objects named
  // the namespace as a literal, so terraform created them in parallel with it
  it("every namespaced Kubernetes object and the release wait for the namespace resource", () => {
    const ref = "${kubernetes_namespace.authentik.metadata[0].name}";
    const namespaced = Object.entries<any>(full.resource)
      .filter(([type]) => type.startsWith("kubernetes_") && type !== "kubernetes_namespace")
      .flatMap(([type, byName]) => Object.entries<any>(byName).map(([name, r]) => ({ address: `${type}.${name}`, ns: r.metadata?.namespace, deps: r.depends_on ?? [] })));
    expect(namespaced.length).toBeGreaterThan(8);
    expect(namespaced.filter((o) => o.ns !== ref && !o.deps.includes("kubernetes_namespace.authentik")).map((o) => `${o.address} namespace=${o.ns}`)).toEqual([]);
    expect(full.resource.helm_release.authentik.namespace).toBe(ref);
  });
});

describe("snapshot", () => {
  it("cdk.tf.json (review diffs like code)", () => {
    const stable = JSON.parse(JSON.stringify(full), (k, v) => (k === "//" && v?.metadata ? undefined : v));
    expect(stable).toMatchSnapshot();
  });
});
