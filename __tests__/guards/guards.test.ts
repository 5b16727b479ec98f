/**
 * Every guard: the real stack is compliant (no errors, exactly the known warnings), and a minimal
 * mutation of the real synthesized stack fires that guard and no unrelated one. Where a mutation
 * necessarily breaks two protected properties, the test names both and says why.
 */
import { parse, stringify } from "yaml";
import { runGuards, GUARDS, formatFinding, checkAcknowledgements } from "../../guards/registry";
import { managedFieldGuard } from "../../guards/managed-field";
import { ttlGuard, ttlReport } from "../../guards/ttls";
import { alertMatchersGuard, matchersIn, outpostSeriesNames } from "../../guards/alert-matchers";
import { chartValuesGuard } from "../../guards/chart-values";
import { secretsHygieneGuard } from "../../guards/secrets-hygiene";
import { applyOutpostPatches, outpostEffects, outpostViews } from "../../guards/read/outposts";
import { Finding, StackJson } from "../../guards/types";
import { clone, guardContext, outpostConfig, setOutpostConfig } from "../support/stack-json";
import { expectWellFormed, mutationBaseline } from "../support/findings";

const { base, added } = mutationBaseline();

/** Guard ids of findings the mutation adds over the real stack. */
function newIds(stack: StackJson, ctxPatch: (c: any) => any = (c) => c): string[] {
  return [...new Set(added(stack, ctxPatch(guardContext(stack))).map((f) => f.id))].sort();
}
const newFindings = (stack: StackJson): Finding[] => added(stack);

function mutateOutpost(fn: (cfg: any) => void): StackJson {
  const s = clone(base());
  const cfg = outpostConfig(s);
  fn(cfg);
  setOutpostConfig(s, cfg);
  return s;
}
const dep = (cfg: any) => cfg.kubernetes_json_patches.deployment as any[];
const svc = (cfg: any) => cfg.kubernetes_json_patches.service as any[];

function mutateValues(fn: (v: any) => void): StackJson {
  const s = clone(base()) as any;
  const v = parse(s.locals.authentik_values);
  fn(v);
  s.locals.authentik_values = stringify(v);
  return s;
}
function mutateAlerts(fn: (groups: any[]) => void): StackJson {
  const s = clone(base()) as any;
  const doc = parse(s.output.alerting_rules_yaml.value);
  fn(doc.groups);
  s.output.alerting_rules_yaml.value = stringify(doc);
  return s;
}
const rule = (groups: any[], name: string) => groups.flatMap((g) => g.rules).find((r: any) => r.alert === name);

describe("the real stack", () => {
  let r: ReturnType<typeof runGuards> | undefined;
  const report = { get findings() { return (r ??= runGuards(guardContext(base()))).findings; } };
  it("has no error findings", () => {
    expect(report.findings.filter((f) => f.severity === "error").map(formatFinding)).toEqual([]);
  });
  it("has exactly the known warnings: inert chart values and the two live secret-placement findings", () => {
    const warnings = report.findings.map((f) => `${f.id} ${f.attribute}`).sort();
    expect(warnings).toEqual(
      [
        "AK008 values.server.strategy",
        "AK008 values.worker.strategy",
        "AK008 values.global.addPrometheusAnnotations",
        ...["log_level", "secret_key", "error_reporting.enabled", "postgresql.host", "postgresql.port", "postgresql.user", "postgresql.password",
          "postgresql.conn_max_age", "postgresql.conn_health_checks", "cache.timeout_flows", "cache.timeout_policies", "web.workers", "web.threads", "worker.threads"].map((k) => `AK008 values.authentik.${k}`),
        'AK010 data["pgbouncer.ini"]',
        "AK010 spec[0].template[0].spec[0].container[0].env[0].value",
      ].sort(),
    );
  });
  it("explains inert authentik.* values with the env variable to use instead", () => {
    const f = report.findings.find((x) => x.attribute === "values.authentik.postgresql.conn_max_age")!;
    expect(f.fix).toContain("AUTHENTIK_POSTGRESQL__CONN_MAX_AGE");
    const s = report.findings.find((x) => x.attribute === "values.server.strategy")!;
    expect(s.message).toContain("server.deploymentStrategy");
  });
  it("every guard reports only well-formed findings of its own id (here: the real stack's; every mutation test checks its own)", () => {
    expectWellFormed(guardContext(base()));
  });
  it("has the fifteen guards, one per id, each documented", () => {
    expect(GUARDS.map((g) => g.id)).toEqual(["AK001", "AK002", "AK003", "AK004", "AK005", "AK006", "AK007", "AK008", "AK009", "AK010", "AK011", "AK012", "AK013", "AK014", "AK015"]);
    for (const g of GUARDS) expect(g.protects.length).toBeGreaterThan(20);
  });
});

describe("AK001 service selector patch", () => {
  it("fires when the service patch is removed", () => {
    expect(newIds(mutateOutpost((c) => (c.kubernetes_json_patches.service = [])))).toEqual(["AK001"]);
  });
  it("fires, naming the server pods, when the selector flips to app.kubernetes.io/name=authentik", () => {
    const s = mutateOutpost((c) => (svc(c)[0].value["app.kubernetes.io/name"] = "authentik"));
    expect(newIds(s)).toEqual(["AK001"]);
    const f = newFindings(s)[0];
    expect(f.address).toBe("authentik_outpost.embedded");
    expect(f.attribute).toBe("config.kubernetes_json_patches.service[0]");
    expect(f.message).toContain("server pods");
    expect(f.expected).toBe("app.kubernetes.io/name=authentik-outpost-proxy");
  });
  it("fires when the UUID is written with dashes", () => {
    const s = mutateOutpost((c) => (svc(c)[0].value["goauthentik.io/outpost-uuid"] = "0eecac07-97c7-443c-8925-05f2f4fe3e47"));
    expect(newIds(s)).toEqual(["AK001"]);
    expect(newFindings(s)[0].expected).toContain("32 lower-case hex");
  });
  it("fires when the selector names another outpost's UUID", () => {
    expect(newIds(mutateOutpost((c) => (svc(c)[0].value["goauthentik.io/outpost-uuid"] = "ffffffffffffffffffffffffffffffff")))).toEqual(["AK001"]);
  });
  it("judges the effect: an add of the same selector replaces the member (RFC 6902), so nothing fires", () => {
    expect(newIds(mutateOutpost((c) => (svc(c)[0].op = "add")))).toEqual([]);
  });
});

describe("AK002 component label", () => {
  it("fires when the label path is not escaped (and the unescaped path no longer applies, AK006)", () => {
    const s = mutateOutpost((c) => {
      const p = dep(c).find((x) => x.path.endsWith("component"));
      p.path = "/spec/template/metadata/labels/app.kubernetes.io/component";
    });
    expect(newIds(s)).toEqual(["AK002", "AK006"]);
    expect(newFindings(s).find((f) => f.id === "AK002")!.expected).toBe("/spec/template/metadata/labels/app.kubernetes.io~1component");
  });
  it("fires when the label patch is missing", () => {
    expect(newIds(mutateOutpost((c) => (c.kubernetes_json_patches.deployment = dep(c).filter((x) => !x.path.endsWith("component")))))).toEqual(["AK002"]);
  });
  const LABEL_PATH = "/spec/template/metadata/labels/app.kubernetes.io~1component";
  it("names the op that removed the label, and says it is absent", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "remove", path: LABEL_PATH }));
    expect(newFindings(s)).toMatchObject([{ id: "AK002", attribute: "config.kubernetes_json_patches.deployment[9]", actual: "absent", expected: "app.kubernetes.io/component=server on the pod template" }]);
  });
  it("finds the unescaped path among ops that are not ops (null)", () => {
    const s = mutateOutpost((c) => {
      c.kubernetes_json_patches.deployment = [null, ...dep(c).filter((x) => !x.path.endsWith("component"))];
      dep(c).push({ op: "add", path: "/spec/template/metadata/labels/app.kubernetes.io/component", value: "server" });
    });
    expect(newFindings(s).filter((f) => f.id === "AK002").map((f) => f.attribute)).toEqual(["config.kubernetes_json_patches.deployment[9].path"]);
  });
  it("names an unescaped label op at the head of the list", () => {
    const s = mutateOutpost((c) => {
      c.kubernetes_json_patches.deployment = dep(c).filter((x) => !x.path.endsWith("component"));
      dep(c).unshift({ op: "add", path: "/spec/template/metadata/labels/app.kubernetes.io/component", value: "server" });
    });
    expect(newFindings(s).filter((f) => f.id === "AK002").map((f) => f.attribute)).toEqual(["config.kubernetes_json_patches.deployment[0].path"]);
  });
});

describe("AK003 postgres env", () => {
  it("fires when one variable is dropped", () => {
    const s = mutateOutpost((c) => (c.kubernetes_json_patches.deployment = dep(c).filter((x) => x.value?.name !== "AUTHENTIK_POSTGRESQL__PASSWORD")));
    expect(newIds(s)).toEqual(["AK003"]);
    expect(newFindings(s)[0].message).toContain("AUTHENTIK_POSTGRESQL__PASSWORD is not set");
  });
  it("fires when the /- is dropped (the patch would replace the controller's env)", () => {
    const s = mutateOutpost((c) => (dep(c).find((x) => x.value?.name === "AUTHENTIK_POSTGRESQL__HOST").path = "/spec/template/spec/containers/0/env"));
    expect(newIds(s)).toEqual(["AK003"]);
    expect(newFindings(s)[0].message).toContain("env is not a list");
    expect(newFindings(s)[0].attribute).toMatch(/^config\.kubernetes_json_patches\.deployment\[\d+\]$/);
  });
  it("fires when a variable reads another Secret than the release's existingSecret", () => {
    const s = mutateOutpost((c) => (dep(c).find((x) => x.value?.name === "AUTHENTIK_POSTGRESQL__USER").value.valueFrom.secretKeyRef.name = "other"));
    expect(newIds(s)).toEqual(["AK003"]);
    expect(newFindings(s)[0].expected).toBe("goauthentik");
  });
  it("fires when a variable is a literal value", () => {
    expect(newIds(mutateOutpost((c) => (dep(c).find((x) => x.value?.name === "AUTHENTIK_POSTGRESQL__NAME").value = { name: "AUTHENTIK_POSTGRESQL__NAME", value: "authentik" })))).toEqual(["AK003"]);
  });
  it("a variable read from anything but a Secret key names no Secret", () => {
    const s = mutateOutpost((c) => (dep(c).find((x) => x.value?.name === "AUTHENTIK_POSTGRESQL__PORT").value.valueFrom = { configMapKeyRef: { name: "goauthentik", key: "AUTHENTIK_POSTGRESQL__PORT" } }));
    expect(newFindings(s).map((f) => [f.id, f.actual])).toEqual([["AK003", "undefined"], ["AK003", "undefined"]]);
  });
  it("without an existingSecret, reports that once and does not judge the Secret names", () => {
    const s = mutateValues((v) => delete v.authentik.existingSecret);
    expect(newFindings(s).filter((f) => f.id === "AK003").map((f) => f.attribute)).toEqual(["values.authentik.existingSecret.secretName"]);
  });
  it("names the release it looked for and what the stack has instead", () => {
    const s = clone(base()) as any;
    s.resource.helm_release.authentik.name = "authentik-old";
    const f = newFindings(s).filter((x) => x.id === "AK003");
    expect(f.map((x) => [x.address, x.actual])).toEqual([["helm_release", "authentik-old"]]);
    const none = clone(base()) as any;
    delete none.resource.helm_release;
    expect(newFindings(none).filter((x) => x.id === "AK003").map((x) => x.actual)).toEqual(["no helm_release"]);
  });
  it("names the env op responsible when a variable is changed later", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "remove", path: "/spec/template/spec/containers/0/env/5" }));
    expect(newFindings(s).map((f) => [f.id, f.attribute, f.actual])).toEqual([["AK003", "config.kubernetes_json_patches.deployment[9]", "0"]]);
  });
});

describe("AK004 managed field", () => {
  it("fires when the outpost sets managed", () => {
    const s = clone(base()) as any;
    s.resource.authentik_outpost.embedded.managed = "goauthentik.io/outposts/embedded";
    expect(newIds(s)).toEqual(["AK004"]);
  });
  it("fires, with the pin-it-explicitly fix, when the provider schema gains managed", () => {
    const ids = newIds(base(), (ctx) => {
      const schema = clone(ctx.authentikSchema);
      Object.values<any>(schema.provider_schemas)[0].resource_schemas.authentik_outpost.block.attributes.managed = { type: "string", optional: true, computed: true };
      return { ...ctx, authentikSchema: schema };
    });
    expect(ids).toEqual(["AK004"]);
    const ctx = guardContext(base());
    const schema = clone(ctx.authentikSchema);
    Object.values<any>(schema.provider_schemas)[0].resource_schemas.authentik_outpost.block.attributes.managed = { type: "string", optional: true };
    const f = runGuards({ ...ctx, authentikSchema: schema }).findings.find((x) => x.id === "AK004")!;
    expect(f.fix).toContain('managed = "goauthentik.io/outposts/embedded"');
    expect(f.fix).toContain("PostgreSQL session backend");
  });
  it("the committed schema has no managed attribute on authentik_outpost", () => {
    const attrs = Object.values<any>(guardContext(base()).authentikSchema.provider_schemas)[0].resource_schemas.authentik_outpost.block.attributes;
    expect(Object.keys(attrs).sort()).toEqual(["config", "id", "name", "protocol_providers", "service_connection", "type"]);
  });
  const withSchema = (schema: any) => managedFieldGuard.check({ ...guardContext(base()), authentikSchema: schema });
  const outpostSchema = () => Object.values<any>(clone(guardContext(base()).authentikSchema).provider_schemas)[0].resource_schemas.authentik_outpost;
  it("names the record and the value it sets", () => {
    const s = clone(base()) as any;
    s.resource.authentik_outpost.embedded.managed = null;
    expect(managedFieldGuard.check({ ...guardContext(s), authentikSchema: undefined })).toMatchObject([{ address: "authentik_outpost.embedded", attribute: "managed", actual: "null" }]);
  });
  it("fires when the committed schema has no authentik_outpost (it can't tell whether managed is exposed)", () => {
    for (const schema of [{}, { provider_schemas: {} }, { provider_schemas: { "registry.terraform.io/goauthentik/authentik": { resource_schemas: { authentik_group: {} } } } }]) {
      expect(withSchema(schema).map((x) => [x.address, x.attribute, x.actual])).toEqual([["schemas/authentik.json", "resource_schemas.authentik_outpost", "absent"]]);
    }
  });
  it("finds authentik_outpost in whichever provider of the schema has it", () => {
    const schema = { provider_schemas: { "registry.terraform.io/hashicorp/helm": {}, "registry.terraform.io/goauthentik/authentik": { resource_schemas: { authentik_outpost: outpostSchema() } } } };
    expect(withSchema(schema)).toEqual([]);
    const gained = clone(schema) as any;
    gained.provider_schemas["registry.terraform.io/goauthentik/authentik"].resource_schemas.authentik_outpost.block.attributes.managed = { type: "string", optional: true };
    expect(withSchema(gained).map((x) => x.attribute)).toEqual(["resource_schemas.authentik_outpost.block.attributes.managed"]);
  });
  it("an outpost schema without attributes exposes no managed", () => {
    expect(withSchema({ provider_schemas: { p: { resource_schemas: { authentik_outpost: {} } } } })).toEqual([]);
    expect(withSchema({ provider_schemas: { p: { resource_schemas: { authentik_outpost: { block: {} } } } } })).toEqual([]);
  });
  it("without a schema, judges only the stack", () => {
    expect(withSchema(undefined)).toEqual([]);
  });
});

describe("AK005 /dev/shm", () => {
  it("fires when the memory limit shrinks below the sizeLimit", () => {
    const s = mutateOutpost((c) => (dep(c).find((x) => x.path.endsWith("/resources")).value.limits.memory = "1Gi"));
    expect(newIds(s)).toEqual(["AK005"]);
    expect(newFindings(s)[0].expected).toBe("more than 2Gi");
  });
  it("fires when the limit equals the sizeLimit", () => {
    expect(newIds(mutateOutpost((c) => (dep(c).find((x) => x.path.endsWith("/resources")).value.limits.memory = "2048Mi")))).toEqual(["AK005"]);
  });
  it("compares by value in every form Kubernetes accepts (sign, exponent, trailing point)", () => {
    const limit = (v: string) => newIds(mutateOutpost((c) => (dep(c).find((x) => x.path.endsWith("/resources")).value.limits.memory = v)));
    expect(limit("2.147483648e9")).toEqual(["AK005"]); // exactly 2Gi
    expect(limit("+2048.Mi")).toEqual(["AK005"]);
    expect(limit("+2.5Gi")).toEqual([]);
    expect(limit("2.2e9")).toEqual([]);
  });
  it("fires when /dev/shm is no longer memory-backed", () => {
    expect(newIds(mutateOutpost((c) => delete dep(c).find((x) => x.path.endsWith("/volumes")).value[0].emptyDir.medium))).toEqual(["AK005"]);
  });
  it("fires when the mount is removed (and the volume stays)", () => {
    expect(newIds(mutateOutpost((c) => (c.kubernetes_json_patches.deployment = dep(c).filter((x) => !x.path.endsWith("/volumeMounts")))))).toEqual(["AK005"]);
  });
  const vols = (c: any) => dep(c).find((x) => x.path.endsWith("/volumes")).value;
  const mnts = (c: any) => dep(c).find((x) => x.path.endsWith("/volumeMounts")).value;
  it("follows the mount to its volume, whatever the volume is named", () => {
    expect(newIds(mutateOutpost((c) => ((vols(c)[0].name = "shm"), (mnts(c)[0].name = "shm"))))).toEqual([]);
    const s = mutateOutpost((c) => (vols(c)[0].name = "shm"));
    expect(newFindings(s).filter((f) => f.id === "AK005").map((f) => f.message)).toEqual([expect.stringContaining("the volume mounted at /dev/shm ('dshm') is not a memory-backed emptyDir")]);
  });
  it("a mount that moved leaves the volume judged by its usual name, and reports only the mount", () => {
    const s = mutateOutpost((c) => (mnts(c)[0].mountPath = "/tmp/shm"));
    expect(newFindings(s).map((f) => f.message)).toEqual([expect.stringContaining("nothing is mounted at /dev/shm")]);
  });
  it("a volume without a size (or a zero one) is reported once: no limit can be judged against it", () => {
    for (const size of [undefined, "0", "-1Gi", "lots"]) {
      const s = mutateOutpost((c) => (size === undefined ? delete vols(c)[0].emptyDir.sizeLimit : (vols(c)[0].emptyDir.sizeLimit = size)));
      const volumesOp = dep(outpostConfig(base())).findIndex((x) => x.path.endsWith("/volumes"));
      expect([size, newFindings(s).map((f) => f.attribute)]).toEqual([size, [`config.kubernetes_json_patches.deployment[${volumesOp}]`]]);
    }
  });
  it("says what the limit must exceed and what it is", () => {
    const s = mutateOutpost((c) => delete dep(c).find((x) => x.path.endsWith("/resources")).value.limits.memory);
    expect(newFindings(s)).toMatchObject([{ id: "AK005", expected: "more than 2Gi", actual: "no limit" }]);
    expect(newFindings(s)[0].attribute).toMatch(/^config\.kubernetes_json_patches\.deployment\[\d+\] resources\.limits\.memory$/);
  });
  it("judges entries that are not mounts or volumes (null) as absent", () => {
    const s = mutateOutpost((c) => ((mnts(c)[0] = null), (vols(c)[0] = null)));
    expect(newFindings(s).filter((f) => f.id === "AK005").map((f) => f.message.slice(0, 40))).toEqual(["after the patches nothing is mounted at ", "after the patches the volume mounted at "]);
  });
  it("a volume without a size and no memory limit: the volume is reported, the limit can't be judged", () => {
    for (const size of [undefined, "0"]) {
      const s = mutateOutpost((c) => {
        if (size === undefined) delete vols(c)[0].emptyDir.sizeLimit;
        else vols(c)[0].emptyDir.sizeLimit = size;
        delete dep(c).find((x) => x.path.endsWith("/resources")).value.limits.memory;
      });
      expect([size, newFindings(s).map((f) => f.message.slice(0, 40))]).toEqual([size, ["after the patches the volume mounted at "]]);
    }
  });
  it("a /dev/shm volume that is not an emptyDir, or a mount naming a missing volume, is reported with what is there", () => {
    const host = mutateOutpost((c) => (vols(c)[0] = { name: "dshm", hostPath: { path: "/dev/shm" } }));
    expect(newFindings(host).map((f) => [f.message.slice(0, 40), f.actual])).toEqual([["after the patches the volume mounted at ", '{"name":"dshm","hostPath":{"path":"/dev/shm"}}']]);
    const renamed = mutateOutpost((c) => (mnts(c)[0].name = "shm"));
    expect(newFindings(renamed).filter((f) => f.id === "AK005").map((f) => [f.message, f.actual])).toEqual([[expect.stringContaining("mounted at /dev/shm ('shm') is not"), "absent"]]);
  });
  it("says what is mounted when nothing is at /dev/shm, and reads a volume list that is not a list as none", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: "/spec/template/spec/containers/0/volumeMounts", value: { name: "dshm" } }));
    expect(newFindings(s).filter((f) => f.id === "AK005").map((f) => f.actual)).toEqual(["[]"]);
    const noList = mutateOutpost((c) => dep(c).push({ op: "replace", path: "/spec/template/spec/volumes", value: { dshm: {} } }));
    expect(newFindings(noList).filter((f) => f.id === "AK005").map((f) => f.actual)).toEqual(["absent"]);
  });
});

describe("AK006 patches apply", () => {
  it("fires when a patch targets a container that doesn't exist", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: "/spec/template/spec/containers/3/env/-", value: { name: "X", value: "1" } }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(newFindings(s)[0].attribute).toBe("config.kubernetes_json_patches.deployment[9]");
  });
  it("fires on an op RFC 6902 doesn't have (on the selector patch, AK001 also sees it is no longer a replace)", () => {
    expect(newIds(mutateOutpost((c) => (svc(c)[0] = { ...svc(c)[0], op: "merge" })))).toEqual(["AK001", "AK006"]);
  });
  it("fires when a patch replaces the pod labels (orphaning the Deployment's own selector; the Service's pods and the component label go too)", () => {
    expect(newIds(mutateOutpost((c) => dep(c).push({ op: "replace", path: "/spec/template/metadata/labels", value: { app: "x" } })))).toEqual(["AK001", "AK002", "AK006"]);
  });
  const CONTAINER = "/spec/template/spec/containers/0";
  const ak006 = (s: StackJson) => newFindings(s).filter((f) => f.id === "AK006").map((f) => f.message);
  it("fires when a patch adds a container (the controller renders one)", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: "/spec/template/spec/containers/-", value: { name: "sidecar", image: "busybox" } }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(newFindings(s)[0]).toMatchObject({ message: "patches change the number of containers", expected: "1", actual: "2" });
  });
  it("fires when a patch changes a container port", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: `${CONTAINER}/ports/0/containerPort`, value: 9001 }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(ak006(s)).toEqual(["container 0's ports changed"]);
  });
  it("fires when a container mounts a volume the pod does not define", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: `${CONTAINER}/volumeMounts/-`, value: { name: "cache", mountPath: "/cache" } }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(ak006(s)).toEqual(["container 0 mounts volume 'cache', which the pod does not define"]);
  });
  it("keeps checking mounts past an entry that is not a volume (null)", () => {
    const s = mutateOutpost((c) => {
      dep(c).push({ op: "add", path: "/spec/template/spec/volumes/-", value: null });
      dep(c).push({ op: "add", path: `${CONTAINER}/volumeMounts/-`, value: { name: "cache", mountPath: "/cache" } });
    });
    expect(ak006(s)).toEqual(["container 0 mounts volume 'cache', which the pod does not define"]);
  });
  it.each([
    ["without value or valueFrom", { name: "X" }],
    ["with both value and valueFrom", { name: "X", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
    ["without a name", { value: "1" }],
    ["with a name that is not text", { name: 5, value: "1" }],
    ["that is text", "X=1"],
    ["that is null", null],
  ])("fires on an env entry %s", (_what, entry) => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: `${CONTAINER}/env/-`, value: entry }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(ak006(s)).toEqual([expect.stringMatching(/^container 0 env\[\d+\] is not \{name, value \| valueFrom\}$/)]);
  });
  it("accepts well-formed env entries of either kind", () => {
    const s = mutateOutpost((c) => {
      dep(c).push({ op: "add", path: `${CONTAINER}/env/-`, value: { name: "AUTHENTIK_LOG_LEVEL", value: "info" } });
      dep(c).push({ op: "add", path: `${CONTAINER}/env/-`, value: { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } } });
    });
    expect(newIds(s)).toEqual([]);
  });
  it("fires when a patch changes the Service ports", () => {
    const s = mutateOutpost((c) => svc(c).push({ op: "replace", path: "/spec/ports/0/port", value: 9444 }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(ak006(s)).toEqual(["patches change the Service ports Traefik routes to"]);
  });
  it("fires when a patch removes the Deployment's own selector (apps/v1 requires one)", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "remove", path: "/spec/selector" }));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(ak006(s)[0]).toContain("has no spec.selector.matchLabels");
    const emptied = mutateOutpost((c) => dep(c).push({ op: "replace", path: "/spec/selector/matchLabels", value: {} }));
    expect(ak006(emptied)[0]).toContain("has no spec.selector.matchLabels");
  });
  it("fires when a patch removes the pod labels (the Deployment's selector then selects nothing)", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "remove", path: "/spec/template/metadata/labels" }));
    expect(ak006(s).filter((m) => m.includes("the pod template lacks")).length).toBe(5);
  });
  it("an op that is not an op (null) does not apply, and is named", () => {
    const s = mutateOutpost((c) => dep(c).push(null));
    expect(newIds(s)).toEqual(["AK006"]);
    expect(newFindings(s)[0]).toMatchObject({ attribute: "config.kubernetes_json_patches.deployment[9]", actual: "null" });
    expect(newFindings(s)[0].message).toContain("patch 'undefined undefined' does not apply");
  });
  it.each([
    ["the pod template", "/spec/template", "deployment"],
    ["the Deployment's spec", "/spec", "deployment"],
    ["the whole Deployment (path '')", "", "deployment"],
  ] as const)("judges what is left when a patch removes %s: no container, no pod labels", (_what, path, kind) => {
    const s = mutateOutpost((c) => c.kubernetes_json_patches[kind].push(path ? { op: "remove", path } : { op: "replace", path, value: null }));
    const m = ak006(s);
    expect(m).toContain("patches change the number of containers");
    expect(m.filter((x) => x.includes("the pod template lacks") || x.includes("has no spec.selector")).length).toBeGreaterThan(0);
  });
  it("judges containers that are no longer a list as no containers", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: "/spec/template/spec/containers", value: { proxy: {} } }));
    expect(ak006(s)).toEqual(["patches change the number of containers"]);
  });
  it("judges a container replaced by null: its ports are gone", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: CONTAINER, value: null }));
    expect(ak006(s)).toEqual(["container 0's ports changed"]);
  });
  it("leaves env and mounts that are not lists to AK003 and AK005", () => {
    expect(newIds(mutateOutpost((c) => dep(c).push({ op: "replace", path: `${CONTAINER}/env`, value: "x" })))).toEqual(["AK003"]);
    expect(newIds(mutateOutpost((c) => dep(c).push({ op: "replace", path: `${CONTAINER}/volumeMounts`, value: { name: "dshm" } })))).toEqual(["AK005"]);
  });
  it("judges the Service when a patch replaces it whole (path '')", () => {
    const s = mutateOutpost((c) => svc(c).push({ op: "replace", path: "", value: null }));
    expect(ak006(s)).toEqual(["patches change the Service ports Traefik routes to"]);
    const noSpec = mutateOutpost((c) => svc(c).push({ op: "remove", path: "/spec" }));
    expect(ak006(noSpec)).toEqual(["patches change the Service ports Traefik routes to"]);
  });
  it.each([
    ["the pod template's metadata", "/spec/template/metadata"],
    ["the pod spec", "/spec/template/spec"],
  ])("judges what is left when a patch removes %s", (_what, path) => {
    const s = mutateOutpost((c) => dep(c).push({ op: "remove", path }));
    expect(newIds(s)).toContain("AK006");
  });
  it("names the volumes the pod has when a mount names none of them, and a mount that names nothing", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: `${CONTAINER}/volumeMounts/-`, value: { name: "cache", mountPath: "/cache" } }));
    expect(newFindings(s)).toMatchObject([{ expected: "a volume named cache", actual: '["dshm"]' }]);
    const gone = mutateOutpost((c) => {
      dep(c).push({ op: "remove", path: "/spec/template/spec/volumes" });
      dep(c).push({ op: "add", path: `${CONTAINER}/volumeMounts/-`, value: null });
    });
    expect(ak006(gone)).toEqual(["container 0 mounts volume 'dshm', which the pod does not define", "container 0 mounts volume 'undefined', which the pod does not define"]);
    expect(newFindings(gone).filter((f) => f.id === "AK006").map((f) => f.actual)).toEqual(["[]", "[]"]);
  });
  it("a sidecar with ports: its ports are new, and said so", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: "/spec/template/spec/containers/-", value: { name: "sidecar", image: "busybox", ports: [{ containerPort: 8080 }] } }));
    expect(newFindings(s).map((f) => [f.message, f.expected])).toEqual([["patches change the number of containers", "1"], ["container 1's ports changed", "absent"]]);
  });
  it("finds the outpost's container by name: a sidecar inserted before it is not judged as the outpost", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: "/spec/template/spec/containers/0", value: { name: "sidecar", image: "busybox" } }));
    expect(newIds(s)).toEqual(["AK006"]);
  });
});

describe("AK007 alert matchers", () => {
  it("fires when the 400-spike regex is reverted to the pre-fix authentik-authentik-outpost.*", () => {
    const s = mutateAlerts((g) => {
      const r = rule(g, "AuthentikOutpostForwardAuth400Spike");
      r.expr = r.expr.replace('service=~"authentik-ak-outpost-.*"', 'service=~"authentik-authentik-outpost.*"');
    });
    expect(newIds(s)).toEqual(["AK007"]);
    expect(newFindings(s)[0].expected).toContain("authentik-ak-outpost-authentik-embedded-outpost-9000@kubernetes");
  });
  it("fires when the fallback rule watches another entrypoint", () => {
    expect(newIds(mutateAlerts((g) => (rule(g, "AuthentikForwardAuthFallbackActive").expr = rule(g, "AuthentikForwardAuthFallbackActive").expr.replace("websecure", "web"))))).toEqual(["AK007"]);
  });
  it("fires when a pod matcher misses the outpost pods", () => {
    expect(newIds(mutateAlerts((g) => (rule(g, "AuthentikOutpostRestarts").expr = rule(g, "AuthentikOutpostRestarts").expr.replace('pod=~"ak-outpost-.*"', 'pod=~"authentik-outpost-.*"'))))).toEqual(["AK007"]);
  });
  it("fires when the alert output is gone", () => {
    const s = clone(base()) as any;
    delete s.output.alerting_rules_yaml;
    expect(newIds(s)).toEqual(["AK007"]);
  });
  const OUTPOST_SERVICE = "authentik-ak-outpost-authentik-embedded-outpost-9000@kubernetes";
  const addRule = (expr: string) => mutateAlerts((g) => g[0].rules.push({ alert: "Extra", expr }));
  const messages = (s: StackJson) => alertMatchersGuard.check(guardContext(s)).map((f) => f.message);
  it("fires when the 400-spike rule is missing", () => {
    const s = mutateAlerts((g) => (rule(g, "AuthentikOutpostForwardAuth400Spike").alert = "Renamed"));
    expect(newIds(s)).toEqual(["AK007"]);
    expect(newFindings(s)).toMatchObject([{ attribute: "groups", message: "the 400-spike rule is missing" }]);
  });
  it("judges service matchers by what they accept: an exact match of the outpost's service passes, another fires", () => {
    expect(newIds(addRule(`traefik_service_requests_total{service="${OUTPOST_SERVICE}"}`))).toEqual([]);
    const s = addRule('traefik_service_requests_total{service="authentik-other@kubernetes"}');
    expect(newIds(s)).toEqual(["AK007"]);
    expect(newFindings(s)[0]).toMatchObject({ attribute: 'groups["Authentik Outpost"].rules["Extra"].expr', actual: 'service="authentik-other@kubernetes"', expected: `a matcher accepting ${OUTPOST_SERVICE}` });
  });
  it("does not judge negative matchers (they exclude, they don't select)", () => {
    expect(newIds(addRule('traefik_service_requests_total{service!~"authentik-authentik-outpost.*", pod!~"x.*", namespace!="kube-system"}'))).toEqual([]);
    expect(newIds(addRule('traefik_service_requests_total{service!="x", pod!="y", entrypoint!="web"}'))).toEqual([]);
  });
  it("fires when a pod matcher names another pod exactly", () => {
    const s = addRule('kube_pod_info{pod="goauthentik-server-0"}');
    expect(newIds(s)).toEqual(["AK007"]);
    expect(newFindings(s)[0].actual).toBe('pod="goauthentik-server-0"');
  });
  it("fires when a namespace matcher names another namespace; a namespace regex is not judged", () => {
    const s = addRule('kube_pod_info{namespace="kube-system"}');
    expect(newIds(s)).toEqual(["AK007"]);
    expect(newFindings(s)[0]).toMatchObject({ expected: "authentik", actual: "kube-system" });
    expect(newIds(addRule('kube_pod_info{namespace=~"kube-.*"}'))).toEqual([]);
  });
  it("judges an entrypoint only by exact name, and only when the stack's ingresses name entrypoints", () => {
    expect(newIds(addRule('traefik_entrypoint_requests_total{entrypoint=~"web.*"}'))).toEqual([]);
    const s = addRule('traefik_entrypoint_requests_total{entrypoint="web"}') as any;
    expect(messages(s)).toEqual(["entrypoint matcher names 'web', which no ingress of this stack uses"]);
    for (const i of Object.values<any>(s.resource.kubernetes_ingress_v1)) delete i.metadata.annotations;
    expect(messages(s)).toEqual([]);
  });
  it("names each entrypoint the ingresses use once", () => {
    const s = addRule('traefik_entrypoint_requests_total{entrypoint="web"}');
    expect(alertMatchersGuard.check(guardContext(s))[0].expected).toBe("websecure");
  });
  it("does not judge service matchers when no ingress routes to the outpost Service", () => {
    const s = addRule('traefik_service_requests_total{service="authentik-other@kubernetes"}') as any;
    s.resource.kubernetes_ingress_v1.authentik_outpost.spec.rule[0].http.path[0].backend.service.name = "elsewhere";
    expect(messages(s)).toEqual([]);
  });
  it("reads groups without rules and rules without an expression", () => {
    const s = mutateAlerts((g) => {
      g.push({ name: "empty" });
      g[0].rules.push({ record: "job:x:sum" });
    });
    expect(newIds(s)).toEqual([]);
  });
  it("matchersIn reads every operator, label names with digits and underscores, and escaped values", () => {
    expect(matchersIn('m{a="1", b_2!="2",c=~"x.*" , d!~"4"}')).toEqual([
      { label: "a", op: "=", value: "1" },
      { label: "b_2", op: "!=", value: "2" },
      { label: "c", op: "=~", value: "x.*" },
      { label: "d", op: "!~", value: "4" },
    ]);
    expect(matchersIn('m{msg="say \\"hi\\"", path=~"a\\\\.b"}')).toEqual([
      { label: "msg", op: "=", value: 'say "hi"' },
      { label: "path", op: "=~", value: "a\\.b" },
    ]);
    expect(matchersIn("sum(rate(x[5m])) > 5")).toEqual([]);
  });
  it("outpostSeriesNames: the outpost's namespace, Traefik service and a pod name; only entrypoints without an outpost", () => {
    const names = outpostSeriesNames(base());
    expect(names).toMatchObject({ namespace: "authentik", traefikService: OUTPOST_SERVICE, entrypoints: ["websecure", "websecure"] });
    expect(names.podName).toMatch(/^ak-outpost-authentik-embedded-outpost-[a-z0-9]+-[a-z0-9]+$/);
    const none = clone(base()) as any;
    delete none.resource.authentik_outpost;
    expect(outpostSeriesNames(none)).toEqual({ entrypoints: ["websecure", "websecure"] });
  });
  it("outpostSeriesNames reads the ingress blocks in either JSON form (object or list)", () => {
    const s = clone(base()) as any;
    const ing = s.resource.kubernetes_ingress_v1.authentik_outpost;
    ing.metadata = [ing.metadata];
    ing.spec = [ing.spec];
    ing.spec[0].rule = ing.spec[0].rule[0];
    ing.spec[0].rule.http = [ing.spec[0].rule.http];
    ing.spec[0].rule.http[0].path[0].backend = [ing.spec[0].rule.http[0].path[0].backend];
    ing.spec[0].rule.http[0].path[0].backend[0].service = [ing.spec[0].rule.http[0].path[0].backend[0].service];
    ing.spec[0].rule.http[0].path[0].backend[0].service[0].port = [ing.spec[0].rule.http[0].path[0].backend[0].service[0].port];
    expect(outpostSeriesNames(s)).toMatchObject({ traefikService: OUTPOST_SERVICE, entrypoints: ["websecure", "websecure"] });
  });
  it("names what is missing when the stack publishes no alert rules", () => {
    const s = clone(base()) as any;
    delete s.output.alerting_rules_yaml;
    expect(newFindings(s)).toMatchObject([{ id: "AK007", address: "output.alerting_rules_yaml", attribute: "value", actual: "absent or not YAML" }]);
  });
  it("reads partial ingresses (no metadata, spec, http, backend, service or port) without losing the outpost's port", () => {
    const s = addRule('traefik_service_requests_total{service="authentik-other@kubernetes"}') as any;
    const svcName = "ak-outpost-authentik-embedded-outpost";
    const partial = {
      a_no_metadata: { spec: { rule: [{ host: "a.example.org" }] } },
      b_no_spec: { metadata: { name: "b" } },
      c_no_backend: { spec: { rule: [{ http: { path: [{ path: "/" }] } }] } },
      d_no_service: { spec: { rule: [{ http: { path: [{ path: "/", backend: { resource: { kind: "x" } } }] } }] } },
      e_no_port: { spec: { rule: [{ http: { path: [{ path: "/", backend: { service: { name: svcName } } }] } }] } },
    };
    s.resource.kubernetes_ingress_v1 = { ...partial, ...s.resource.kubernetes_ingress_v1 };
    expect(outpostSeriesNames(s)).toMatchObject({ traefikService: OUTPOST_SERVICE, entrypoints: ["websecure", "websecure"] });
    expect(messages(s)).toEqual([expect.stringContaining('service matcher ="authentik-other@kubernetes" does not match')]);
  });
  it("judges a negative service or pod matcher as excluding, never as selecting", () => {
    expect(newIds(addRule('kube_pod_info{pod!="ak-outpost-authentik-embedded-outpost-5d8f7c9b6d-x2x7q", service!~".*"}'))).toEqual([]);
  });
});

describe("AK008 chart values", () => {
  it("fires on a key the chart doesn't have", () => {
    const s = mutateValues((v) => (v.server.replicaCount = 3));
    expect(newIds(s)).toEqual(["AK008"]);
    expect(newFindings(s)[0].attribute).toBe("values.server.replicaCount");
  });
  it("fires (error) when server and worker disagree on AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE", () => {
    const s = mutateValues((v) => (v.worker.env[0].value = "days=1"));
    expect(newIds(s)).toEqual(["AK008"]);
    expect(newFindings(s)[0].severity).toBe("error");
  });
  it("reports a new authentik.* value as inert", () => {
    const s = mutateValues((v) => (v.authentik.sessions = { unauthenticated_age: "hours=1" }));
    expect(newFindings(s).map((f) => f.fix)).toEqual([expect.stringContaining("AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE")]);
  });
  it("without existingSecret, authentik.* values take effect and are not reported", () => {
    const s = mutateValues((v) => delete v.authentik.existingSecret);
    const ak008 = runGuards(guardContext(s)).findings.filter((f) => f.id === "AK008").map((f) => f.attribute);
    expect(ak008.sort()).toEqual(["values.global.addPrometheusAnnotations", "values.server.strategy", "values.worker.strategy"]);
  });
  it("a differing AUTHENTIK_* variable other than the session age is a warning naming both lists", () => {
    const s = mutateValues((v) => v.server.env.push({ name: "AUTHENTIK_LOG_LEVEL", value: "debug" }));
    expect(newFindings(s).map((f) => [f.severity, f.attribute])).toEqual([["warning", "values.server.env / values.worker.env"]]);
  });
  it("global.env reaches both containers (the chart's own env sources), so the same value there differs from nothing", () => {
    const s = mutateValues((v) => (v.global.env = [{ name: "AUTHENTIK_LOG_LEVEL", value: "info" }]));
    expect(newIds(s)).toEqual([]);
  });
  it("decides from the chart facts, not from a list in the guard: a facts file that says server.strategy is read silences it", () => {
    const withRead = (c: any) => {
      const facts = new Map(c.chartFacts);
      const f: any = clone(facts.get("2026.2.2"));
      for (const k of Object.keys(f.leaves)) if (k.startsWith("server.strategy")) f.leaves[k] = "read";
      facts.set("2026.2.2", f);
      return { ...c, chartFacts: facts };
    };
    const r = runGuards(withRead(guardContext(base())));
    expect(r.findings.map((x) => x.attribute)).not.toContain("values.server.strategy");
    expect(r.findings.map((x) => x.attribute)).toContain("values.worker.strategy");
  });
  it("warns, naming the command that makes them, when there are no chart facts for the version", () => {
    const s = clone(base()) as any;
    s.resource.helm_release.authentik.version = "2026.9.9";
    const f = newFindings(s);
    expect(f.map((x) => [x.id, x.attribute])).toEqual([["AK008", "version"]]);
    expect(f[0].fix).toContain("npm run chart-facts -- 2026.9.9");
  });
  const ak008 = (st: StackJson) => chartValuesGuard.check(guardContext(st));
  it("an unreadable values text is an error: not literal text, or not YAML", () => {
    const expr = clone(base()) as any;
    expr.resource.helm_release.authentik.values = ["${var.values}"];
    expect(ak008(expr)).toMatchObject([{ severity: "error", attribute: "values[0]", message: "values[0] is not literal text the guards can read", actual: "unreadable" }]);
    const yaml = clone(base()) as any;
    yaml.locals.authentik_values = "server: [unclosed";
    expect(ak008(yaml)).toMatchObject([{ severity: "error", attribute: "values[0]", actual: "unreadable" }]);
  });
  it("an empty existingSecret name is no existing Secret: authentik.* values take effect", () => {
    for (const secretName of ["", 5]) {
      const s = mutateValues((v) => (v.authentik.existingSecret.secretName = secretName));
      expect(ak008(s).map((f) => f.attribute).filter((a) => a.startsWith("values.authentik."))).toEqual([]);
    }
  });
  it("a new authentik.* value without existingSecret takes effect", () => {
    const s = mutateValues((v) => {
      delete v.authentik.existingSecret;
      v.authentik.sessions = { unauthenticated_age: "hours=1" };
    });
    expect(ak008(s).map((f) => f.attribute).filter((a) => a.startsWith("values.authentik."))).toEqual([]);
  });
  it("a chart key the values did not set before, and a free-form map's new entry, are read", () => {
    expect(newIds(mutateValues((v) => (v.server.podAnnotations = { "example.org/team": "identity" })))).toEqual([]);
    expect(newIds(mutateValues((v) => (v.server.replicas = 2)))).toEqual([]);
  });
  it("reports an unknown key once, at its first unknown level, with the chart's similar key or none", () => {
    const s = mutateValues((v) => (v.server.deploymentStrateg = { type: "Recreate", rollingUpdate: { maxSurge: 1 } }));
    const f = newFindings(s);
    expect(f.map((x) => x.attribute)).toEqual(["values.server.deploymentStrateg"]);
    expect(f[0].message).toContain("(the chart reads server.deploymentStrategy)");
    expect(f[0].fix).toContain("Move it to server.deploymentStrategy");
    const none = newFindings(mutateValues((v) => (v.zzzUnrelated = { a: 1, b: 2 })));
    expect(none.map((x) => [x.attribute, x.message, x.fix])).toEqual([["values.zzzUnrelated", "zzzUnrelated is not a key of chart 2026.2.2, so it has no effect", "Remove it or move it to the key the chart reads."]]);
  });
  it("says why a chart key is inert: existingSecret, or nothing the chart renders changes", () => {
    const r = ak008(base());
    expect(r.find((f) => f.attribute === "values.authentik.log_level")!.message).toContain("authentik.existingSecret is set");
    expect(r.find((f) => f.attribute === "values.authentik.log_level")!.fix).toContain("(or into the goauthentik Secret)");
    expect(r.find((f) => f.attribute === "values.global.addPrometheusAnnotations")!.message).toContain("is a key of chart 2026.2.2, but removing or changing it changes nothing the chart renders");
  });
  it("judges only AUTHENTIK_* variables between server and worker", () => {
    expect(newIds(mutateValues((v) => v.server.env.push({ name: "TZ", value: "UTC" })))).toEqual([]);
  });
  it("compares valueFrom as well as value: the same Secret key in both agrees, another key differs", () => {
    const ref = (key: string) => ({ name: "AUTHENTIK_EMAIL__PASSWORD", valueFrom: { secretKeyRef: { name: "mail", key } } });
    expect(newIds(mutateValues((v) => {
      v.server.env.push(ref("password"));
      v.worker.env.push(ref("password"));
    }))).toEqual([]);
    const s = mutateValues((v) => {
      v.server.env.push(ref("password"));
      v.worker.env.push(ref("pass"));
    });
    expect(newFindings(s).map((f) => [f.severity, f.actual])).toEqual([["warning", "worker: set, different"]]);
  });
  it("says which side lacks a variable, naming the list it is in", () => {
    const worker = newFindings(mutateValues((v) => v.worker.env.push({ name: "AUTHENTIK_LOG_LEVEL", value: "debug" })));
    expect(worker.map((f) => [f.attribute, f.expected, f.actual])).toEqual([["values.server.env / values.worker.env", "the same value in both (server: unset)", "worker: set"]]);
    const server = newFindings(mutateValues((v) => v.server.env.push({ name: "AUTHENTIK_LOG_LEVEL", value: "debug" })));
    expect(server.map((f) => [f.expected, f.actual])).toEqual([["the same value in both (server: set)", "worker: unset"]]);
    const global = newFindings(mutateValues((v) => (v.global.env = [{ name: "AUTHENTIK_LOG_LEVEL", value: "info" }], v.worker.env.push({ name: "AUTHENTIK_LOG_LEVEL", value: "debug" }))));
    expect(global.map((f) => f.attribute)).toEqual(["values.global.env / values.worker.env"]);
  });
  it("names both values of a differing session age, and an unset side", () => {
    const s = newFindings(mutateValues((v) => (v.worker.env[0].value = "days=1")));
    expect(s.map((f) => [f.expected, f.actual])).toEqual([["the same value in both (server: hours=2)", "worker: days=1"]]);
    const unset = newFindings(mutateValues((v) => v.server.env.splice(0, 1)));
    expect(unset.map((f) => [f.severity, f.expected, f.actual])).toEqual([["error", "the same value in both (server: unset)", "worker: hours=2"]]);
    const workerUnset = newFindings(mutateValues((v) => v.worker.env.splice(0, 1)));
    expect(workerUnset.map((f) => [f.expected, f.actual])).toEqual([["the same value in both (server: hours=2)", "worker: unset"]]);
  });
  it("skips env lists that are not lists and entries that are not named variables", () => {
    const s = mutateValues((v) => {
      v.server.env.push(null, "AUTHENTIK_X=1", { name: 5, value: "1" }, { value: "1" });
      v.worker.env.push(null, "AUTHENTIK_X=2", { name: 6, value: "2" });
    });
    expect(newFindings(s).filter((f) => f.attribute.includes(" / "))).toEqual([]);
    const map = mutateValues((v) => (v.global.env = { AUTHENTIK_LOG_LEVEL: "debug" }));
    expect(newFindings(map).filter((f) => f.attribute.includes(" / "))).toEqual([]);
  });
  it("a new key under a map the chart passes through (a subchart's values) is read", () => {
    expect(newIds(mutateValues((v) => (v.postgresql.zzTuning = { work_mem: "8MB" })))).toEqual([]);
  });
  it("without any chart facts, warns that the values are not checked", () => {
    const f = chartValuesGuard.check({ ...guardContext(base()), chartFacts: undefined });
    expect(f.map((x) => [x.severity, x.attribute])).toEqual([["warning", "version"]]);
  });
  it("reports differing variables in name order", () => {
    const s = mutateValues((v) => v.server.env.push({ name: "AUTHENTIK_Z", value: "1" }, { name: "AUTHENTIK_A", value: "1" }));
    expect(newFindings(s).map((f) => f.message.split(" ")[0])).toEqual(["AUTHENTIK_A", "AUTHENTIK_Z"]);
  });
});


describe("AK009 TTLs", () => {
  it("fires when access_token_validity is not an authentik duration", () => {
    const s = clone(base()) as any;
    s.resource.authentik_provider_proxy.catchall.access_token_validity = "weeks=four";
    expect(newIds(s)).toEqual(["AK009"]);
  });
  it("fires when session_duration is not an authentik duration", () => {
    const s = clone(base()) as any;
    s.resource.authentik_stage_user_login.default_login.session_duration = "4w";
    expect(newIds(s)).toEqual(["AK009"]);
  });
  it("names the catch-all's address and the duration's error", () => {
    const s = clone(base()) as any;
    s.resource.authentik_provider_proxy.catchall.access_token_validity = "weeks=four";
    const f = newFindings(s)[0];
    expect(f).toMatchObject({ address: "authentik_provider_proxy.catchall", attribute: "access_token_validity", actual: "weeks=four" });
    expect(f.message).toContain("'weeks=four' is not an authentik duration (");
  });
  it("fires when the catch-all is renamed (another proxy provider is not the catch-all)", () => {
    const s = clone(base()) as any;
    s.resource.authentik_provider_proxy.catch_all_2 = s.resource.authentik_provider_proxy.catchall;
    delete s.resource.authentik_provider_proxy.catchall;
    expect(newIds(s)).toEqual(["AK009"]);
    expect(newFindings(s)[0]).toMatchObject({ address: "authentik_provider_proxy.catchall", actual: "absent" });
  });
  it("a zero session_duration is authentik's 'until the browser closes'; a zero cookie lifetime is an error", () => {
    const s = clone(base()) as any;
    s.resource.authentik_stage_user_login.default_login.session_duration = "hours=0.0";
    expect(newIds(s)).toEqual([]);
    const cookie = clone(base()) as any;
    cookie.resource.authentik_provider_proxy.catchall.access_token_validity = "seconds=0";
    expect(newIds(cookie)).toEqual(["AK009"]);
  });
  it("only a whole zero is 'until the browser closes': a zero followed by more is parsed", () => {
    const s = clone(base()) as any;
    s.resource.authentik_stage_user_login.default_login.session_duration = "seconds=0;days=x";
    expect(newIds(s)).toEqual(["AK009"]);
    const lead = clone(base()) as any;
    lead.resource.authentik_stage_user_login.default_login.session_duration = "weeks=x;seconds=0";
    expect(newIds(lead)).toEqual(["AK009"]);
  });
  it("an unset lifetime is the provider's default, not an error", () => {
    const s = clone(base()) as any;
    delete s.resource.authentik_provider_proxy.catchall.access_token_validity;
    delete s.resource.authentik_stage_user_login.default_login.session_duration;
    expect(ttlGuard.check(guardContext(s))).toEqual([]);
  });
  it("ttlReport: every lifetime the stack sets, in days", () => {
    const s = clone(base()) as any;
    s.resource.authentik_provider_proxy.catchall.access_token_validity = "hours=12";
    s.resource.authentik_stage_user_login.default_login.session_duration = "weeks=1;days=2";
    s.resource.authentik_stage_user_login.enrollment_login.session_duration = " seconds=00 ";
    expect(ttlReport(s)).toEqual([
      { address: "authentik_provider_proxy.catchall", attribute: "access_token_validity", value: "hours=12", days: 0.5 },
      { address: "authentik_stage_user_login.default_login", attribute: "session_duration", value: "weeks=1;days=2", days: 9 },
      { address: "authentik_stage_user_login.enrollment_login", attribute: "session_duration", value: " seconds=00 ", days: 0 },
    ]);
    s.resource.authentik_provider_proxy.catchall.access_token_validity = "4w";
    expect(ttlReport(s)[0]).toMatchObject({ value: "4w", error: expect.any(String) });
    expect(ttlReport(s)[0].days).toBeUndefined();
  });
  it("any number of zero decimals is still zero", () => {
    const s = clone(base()) as any;
    s.resource.authentik_stage_user_login.default_login.session_duration = "hours=0.000";
    expect(newIds(s)).toEqual([]);
  });
});

describe("AK010 secrets hygiene", () => {
  it("fires on PEM material inlined into a Secret", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_secret.tls_secret.data["tls.key"] = "-----BEGIN PRIVATE KEY-----\nMIIB...\n-----END PRIVATE KEY-----\n";
    expect(newIds(s)).toEqual(["AK010"]);
  });
  it("fires on a literal provider token", () => {
    const s = clone(base()) as any;
    s.provider.authentik[0].token = "not-a-reference-token";
    expect(newIds(s)).toEqual(["AK010"]);
  });
  it("fires on a literal database password", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_secret.pgbouncer_auth.data["userlist.txt"] = '"authentik" "hunter2"\n';
    expect(newIds(s)).toEqual(["AK010"]);
  });
});

describe("acknowledgements", () => {
  it("mark a warning acknowledged, keep it in the report, and leave errors alone", () => {
    const s = clone(base()) as any;
    s.resource.authentik_provider_proxy.catchall.access_token_validity = "weeks=four";
    const r = runGuards(guardContext(s), [{ id: "AK010", match: "pgbouncer_config", reason: "moving the password to the Secret in a later change" }]);
    const acked = r.findings.filter((f) => f.acknowledged);
    expect(acked.map((f) => f.address)).toEqual(["kubernetes_config_map.pgbouncer_config"]);
    expect(r.errors).toBe(1);
    expect(formatFinding(acked[0])).toContain("[acknowledged: moving the password");
  });
  it("require a known id and a written reason", () => {
    expect(() => checkAcknowledgements([{ id: "AK999", reason: "a good long reason" }], GUARDS.map((g) => g.id))).toThrow(/unknown guard id 'AK999'/);
    expect(() => checkAcknowledgements([{ id: "AK008", reason: "" }], GUARDS.map((g) => g.id))).toThrow(/written reason/);
  });
  const warn = (id: string, address: string, attribute: string): Finding => ({ id, severity: "warning", address, attribute, message: "m", expected: "e", actual: "a", fix: "f" });
  const guard = (...findings: Finding[]) => [{ id: "AK901", name: "g1", protects: "a test guard that reports what it is given", check: () => findings.filter((x) => x.id === "AK901") }, { id: "AK902", name: "g2", protects: "a second test guard that reports what it is given", check: () => findings.filter((x) => x.id === "AK902") }];
  it("an acknowledgement without match covers every warning of its guard, and only that guard's", () => {
    const fs = [warn("AK901", "a.b", "x"), warn("AK901", "c.d", "y"), warn("AK902", "a.b", "x")];
    const r = runGuards(guardContext(base()), [{ id: "AK901", reason: "both known, see the runbook" }], guard(...fs));
    expect(r.findings.map((x) => [x.id, x.acknowledged?.reason])).toEqual([["AK901", "both known, see the runbook"], ["AK901", "both known, see the runbook"], ["AK902", undefined]]);
    expect([r.errors, r.warnings, r.acknowledged]).toEqual([0, 1, 2]);
  });
  it("match narrows to findings whose address.attribute contains it", () => {
    const fs = [warn("AK901", "kubernetes_config_map.pgbouncer", "data"), warn("AK901", "kubernetes_secret.x", "data")];
    const r = runGuards(guardContext(base()), [{ id: "AK901", match: "config_map.pgbouncer.da", reason: "known, see the runbook" }], guard(...fs));
    expect(r.findings.map((x) => !!x.acknowledged)).toEqual([true, false]);
    expect([r.warnings, r.acknowledged]).toEqual([1, 1]);
  });
  it("counts errors apart from warnings, and never acknowledges an error", () => {
    const err: Finding = { ...warn("AK901", "a.b", "x"), severity: "error" };
    const r = runGuards(guardContext(base()), [{ id: "AK901", reason: "known, see the runbook" }], guard(err, warn("AK902", "c.d", "y")));
    expect(r.findings[0].acknowledged).toBeUndefined();
    expect([r.errors, r.warnings, r.acknowledged]).toEqual([1, 1, 0]);
  });
  it("checks acknowledgements against the guards that run", () => {
    expect(() => runGuards(guardContext(base()), [{ id: "AK001", reason: "a good long reason" }], guard())).toThrow(/unknown guard id 'AK001'; allowed: AK901, AK902/);
  });
  it("a reason needs ten characters that are not blanks", () => {
    const ids = ["AK008"];
    expect(() => checkAcknowledgements([{ id: "AK008", reason: "123456789" }], ids)).toThrow(/at least 10 characters/);
    expect(() => checkAcknowledgements([{ id: "AK008", reason: "  12345678  " }], ids)).toThrow(/at least 10 characters/);
    expect(() => checkAcknowledgements([{ id: "AK008", reason: 1234567890 as unknown as string }], ids)).toThrow(/at least 10 characters/);
    expect(() => checkAcknowledgements([{ id: "AK008", reason: "1234567890" }], ids)).not.toThrow();
  });
  it("formatFinding: one line, id severity address.attribute: message (expected; actual). Fix, then the acknowledgement", () => {
    const f = { ...warn("AK901", "kubernetes_secret.x", "data"), message: "it leaks", expected: "a reference", actual: "a literal", fix: "Use Vault." };
    expect(formatFinding(f)).toBe("AK901 warning kubernetes_secret.x.data: it leaks (expected a reference; actual a literal). Fix: Use Vault.");
    expect(formatFinding({ ...f, acknowledged: { reason: "ticket 42" } })).toBe("AK901 warning kubernetes_secret.x.data: it leaks (expected a reference; actual a literal). Fix: Use Vault. [acknowledged: ticket 42]");
  });
});

/** Issue 12: guards judge what the cluster would hold after every patch applies in order, not which ops are present. */
describe("effects after all patches (ops appended after the correct ones)", () => {
  const CONTAINER = "/spec/template/spec/containers/0";
  const envIndex = (name: string) => 4 + ["AUTHENTIK_POSTGRESQL__HOST", "AUTHENTIK_POSTGRESQL__PORT", "AUTHENTIK_POSTGRESQL__USER", "AUTHENTIK_POSTGRESQL__PASSWORD", "AUTHENTIK_POSTGRESQL__NAME"].indexOf(name);
  it.each([
    ["an appended remove of /spec/selector", (c: any) => svc(c).push({ op: "remove", path: "/spec/selector" }), ["AK001"], "has no selector"],
    ["a later op pointing the selector back at the server pods", (c: any) => svc(c).push({ op: "replace", path: "/spec/selector", value: { "app.kubernetes.io/name": "authentik", "app.kubernetes.io/component": "server" } }), ["AK001"], "(the server pods)"],
    ["a later op changing one selector label", (c: any) => svc(c).push({ op: "replace", path: "/spec/selector/goauthentik.io~1outpost-name", value: "other" }), ["AK001"], "selects no outpost pod"],
    ["a later op adding a selector label the pods don't carry", (c: any) => svc(c).push({ op: "add", path: "/spec/selector/tier", value: "edge" }), ["AK001"], "not one of the labels"],
    ["a later op removing an outpost pod label the Service selects", (c: any) => dep(c).push({ op: "remove", path: "/spec/template/metadata/labels/goauthentik.io~1outpost-type" }), ["AK001", "AK006"], "no longer carry"],
    ["a later op removing the component label again", (c: any) => dep(c).push({ op: "remove", path: "/spec/template/metadata/labels/app.kubernetes.io~1component" }), ["AK002"], "component=absent"],
    ["a later op changing the component label", (c: any) => dep(c).push({ op: "replace", path: "/spec/template/metadata/labels/app.kubernetes.io~1component", value: "worker" }), ["AK002"], '"worker"'],
    ["a later op removing one postgres variable", (c: any) => dep(c).push({ op: "remove", path: `${CONTAINER}/env/${envIndex("AUTHENTIK_POSTGRESQL__USER")}` }), ["AK003"], "AUTHENTIK_POSTGRESQL__USER is not set"],
    ["a later op pointing a variable at another Secret", (c: any) => dep(c).push({ op: "replace", path: `${CONTAINER}/env/${envIndex("AUTHENTIK_POSTGRESQL__PORT")}/valueFrom/secretKeyRef/name`, value: "other" }), ["AK003"], "not the Secret the Helm release uses"],
    ["a later op reading another key", (c: any) => dep(c).push({ op: "replace", path: `${CONTAINER}/env/${envIndex("AUTHENTIK_POSTGRESQL__NAME")}/valueFrom/secretKeyRef/key`, value: "dbname" }), ["AK003"], "reads key 'dbname'"],
    ["a later op making a variable a literal", (c: any) => dep(c).push({ op: "replace", path: `${CONTAINER}/env/${envIndex("AUTHENTIK_POSTGRESQL__HOST")}`, value: { name: "AUTHENTIK_POSTGRESQL__HOST", value: "pgbouncer" } }), ["AK003"], "is a literal value"],
    ["a variable injected twice", (c: any) => dep(c).push({ ...dep(c)[envIndex("AUTHENTIK_POSTGRESQL__HOST")] }), ["AK003"], "is set 2 times"],
    ["an extra postgres variable", (c: any) => dep(c).push({ op: "add", path: `${CONTAINER}/env/-`, value: { name: "AUTHENTIK_POSTGRESQL__SSLMODE", valueFrom: { secretKeyRef: { name: "goauthentik", key: "AUTHENTIK_POSTGRESQL__SSLMODE" } } } }), ["AK003"], "unexpected postgres variable"],
    ["a later op removing one of the controller's own variables", (c: any) => dep(c).push({ op: "remove", path: `${CONTAINER}/env/1` }), ["AK003"], "AUTHENTIK_HOST_BROWSER is missing or changed"],
    ["a later op removing the /dev/shm volume (the mount then names nothing too)", (c: any) => dep(c).push({ op: "remove", path: "/spec/template/spec/volumes/0" }), ["AK005", "AK006"], "not a memory-backed emptyDir"],
    ["a later op dropping the sizeLimit", (c: any) => dep(c).push({ op: "remove", path: "/spec/template/spec/volumes/0/emptyDir/sizeLimit" }), ["AK005"], "not a memory-backed emptyDir"],
    ["a zero sizeLimit", (c: any) => dep(c).push({ op: "replace", path: "/spec/template/spec/volumes/0/emptyDir/sizeLimit", value: "0" }), ["AK005"], "not a memory-backed emptyDir"],
    ["a later op moving the mount elsewhere", (c: any) => dep(c).push({ op: "replace", path: `${CONTAINER}/volumeMounts/0/mountPath`, value: "/tmp/shm" }), ["AK005"], "nothing is mounted at /dev/shm"],
    ["a later op lowering the memory limit", (c: any) => dep(c).push({ op: "replace", path: `${CONTAINER}/resources/limits/memory`, value: "1Gi" }), ["AK005"], "not above its /dev/shm sizeLimit"],
    ["a later op removing the memory limit", (c: any) => dep(c).push({ op: "remove", path: `${CONTAINER}/resources/limits` }), ["AK005"], "not above its /dev/shm sizeLimit"],
  ])("%s fires", (_name, mutate, ids, text) => {
    const s = mutateOutpost(mutate as (c: any) => void);
    expect(newIds(s)).toEqual(ids);
    expect(newFindings(s).map((f) => f.message).join("\n")).toContain(text);
  });

  it("names the op responsible (the last one touching the path)", () => {
    const s = mutateOutpost((c) => svc(c).push({ op: "remove", path: "/spec/selector" }));
    expect(newFindings(s)[0].attribute).toBe("config.kubernetes_json_patches.service[1]");
  });
  it("names an op above the path (replace /spec) and a move away from it", () => {
    const above = mutateOutpost((c) => svc(c).push({ op: "replace", path: "/spec", value: { type: "ClusterIP", ports: [] } }));
    expect(newFindings(above).find((f) => f.id === "AK001")!.attribute).toBe("config.kubernetes_json_patches.service[1]");
    const moved = mutateOutpost((c) => svc(c).push({ op: "move", from: "/spec/selector", path: "/metadata/annotations" }));
    expect(newIds(moved)).toEqual(["AK001"]);
    expect(newFindings(moved)[0].attribute).toBe("config.kubernetes_json_patches.service[1]");
  });
  it("names the patch list when no op touched the path", () => {
    const s = mutateOutpost((c) => (c.kubernetes_json_patches.service = []));
    expect(newFindings(s)[0].attribute).toBe("config.kubernetes_json_patches.service");
  });
  it("a Service selector that is not an object is no selector", () => {
    expect(newIds(mutateOutpost((c) => svc(c).push({ op: "replace", path: "/spec/selector", value: "x" })))).toEqual(["AK001"]);
  });
  it("outpostViews: the record's type (proxy by default), the chart version, and its UUID only for the config's outpost", () => {
    const s = clone(base()) as any;
    s.resource.authentik_outpost.second = { ...s.resource.authentik_outpost.embedded, name: "second", type: "ldap" };
    const views = outpostViews(s, guardContext(s).config);
    expect(views.map((v) => [v.address, v.type, v.version, v.declaredUuidHex])).toEqual([
      ["authentik_outpost.embedded", "proxy", "2026.2.2", "0eecac0797c7443c892505f2f4fe3e47"],
      ["authentik_outpost.second", "ldap", "2026.2.2", undefined],
    ]);
    const effects = outpostEffects(s, guardContext(s).config);
    expect(Object.keys(effects[0].podLabels)).toContain("goauthentik.io/outpost-uuid");
    expect(Object.keys(effects[1].podLabels)).not.toContain("goauthentik.io/outpost-uuid");
    delete s.resource.authentik_outpost.second.type;
    delete s.resource.helm_release;
    expect(outpostViews(s, guardContext(s).config).map((v) => [v.type, v.version])).toEqual([["proxy", "unknown"], ["proxy", "unknown"]]);
  });
  it("outpostViews: patch lists that are not lists are no patches", () => {
    const s = mutateOutpost((c) => (c.kubernetes_json_patches = { deployment: { op: "add" }, service: "x" }));
    expect(outpostViews(s, guardContext(s).config).map((v) => [v.deploymentPatches, v.servicePatches])).toEqual([[[], []]]);
  });
  it("applyOutpostPatches renders with the record's namespace, naming template and replicas, or the controller's defaults", () => {
    const view = outpostViews(base(), guardContext(base()).config)[0];
    const r = applyOutpostPatches(view).before.deployment;
    expect([r.metadata.namespace, r.metadata.name, r.spec.replicas]).toEqual(["authentik", "ak-outpost-authentik-embedded-outpost", 1]);
    const custom = applyOutpostPatches({ ...view, config: { ...view.config, kubernetes_namespace: "edge", object_naming_template: "edge-%(name)s", kubernetes_replicas: 2 } }).before.deployment;
    expect([custom.metadata.namespace, custom.metadata.name, custom.spec.replicas]).toEqual(["edge", "edge-authentik-embedded-outpost", 2]);
    const defaults = applyOutpostPatches({ ...view, config: undefined }).before.deployment;
    expect([defaults.metadata.namespace, defaults.metadata.name, defaults.spec.replicas]).toEqual(["default", "ak-outpost-authentik-embedded-outpost", 1]);
  });
});

describe("what the stack must contain", () => {
  it("a missing outpost record is an error (AK001)", () => {
    const s = clone(base()) as any;
    delete s.resource.authentik_outpost;
    expect(newIds(s)).toEqual(["AK001"]);
    expect(newFindings(s)[0].message).toContain("no outpost record named 'authentik Embedded Outpost'");
  });
  it("an outpost record with an unreadable config is an error (AK001)", () => {
    const s = clone(base()) as any;
    s.resource.authentik_outpost.embedded.config = "{not json";
    expect(newIds(s)).toEqual(["AK001"]);
  });
  it("a missing Helm release is an error (AK003: no Secret for the outpost env)", () => {
    const s = clone(base()) as any;
    delete s.resource.helm_release;
    expect(newIds(s)).toEqual(["AK003"]);
    expect(newFindings(s).map((f) => f.message).join()).toContain("no Helm release named 'goauthentik'");
  });
  it("a release without existingSecret is an error (AK003)", () => {
    const s = mutateValues((v) => delete v.authentik.existingSecret);
    expect(newIds(s)).toContain("AK003");
    expect(newFindings(s).find((f) => f.id === "AK003")!.message).toContain("names no existingSecret");
  });
  it("a missing catch-all provider is an error (AK009)", () => {
    const s = clone(base()) as any;
    delete s.resource.authentik_provider_proxy.catchall;
    expect(newIds(s)).toEqual(["AK009"]);
  });
});

describe("AK010 finds literal secrets anywhere", () => {
  const ids = (mutate: (s: any) => void) => {
    const s = clone(base()) as any;
    mutate(s);
    return newIds(s);
  };
  it.each([
    ["a non-empty password in the values YAML", () => mutateValues((v) => (v.authentik.postgresql.password = "hunter2"))],
    ["a non-empty secret_key in the values YAML", () => mutateValues((v) => (v.authentik.secret_key = "s3cr3t-value"))],
    // (in both lists: in one only, AK008 would also report that server and worker env differ)
    ["an AUTHENTIK_SECRET_KEY env value in the values YAML", () => mutateValues((v) => [v.server, v.worker].forEach((c) => c.env.push({ name: "AUTHENTIK_SECRET_KEY", value: "s3cr3t-value" })))],
    ["an AUTHENTIK_SECRET_KEY env value appended by an outpost patch", () => mutateOutpost((c) => dep(c).push({ op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "AUTHENTIK_SECRET_KEY", value: "s3cr3t-value" } }))],
  ])("%s", (_name, make) => {
    expect(newIds(make())).toEqual(["AK010"]);
  });
  it("a literal token in a Deployment env", () => {
    expect(ids((s) => s.resource.kubernetes_deployment.pgbouncer.spec.template.spec.container[0].env.push({ name: "API_TOKEN", value: "abc123" }))).toEqual(["AK010"]);
  });
  it("a ConfigMap data key named like a password with a literal value", () => {
    expect(ids((s) => (s.resource.kubernetes_config_map.pgbouncer_config.data.db_password = "hunter2"))).toEqual(["AK010"]);
  });
  it("password=<literal> in ConfigMap text (by content)", () => {
    expect(ids((s) => (s.resource.kubernetes_config_map.pgbouncer_config.data["pgbouncer.ini"] = "[databases]\nauthentik = host=x password=hunter2\n"))).toEqual(["AK010"]);
  });
  it("PEM material anywhere (by content), e.g. an annotation", () => {
    expect(ids((s) => (s.resource.kubernetes_ingress_v1.authentik.metadata.annotations["example.org/ca"] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"))).toEqual(["AK010"]);
  });
  it("a literal credential in a provider block that is not on the known list", () => {
    expect(ids((s) => (s.provider.vault[0].auth_login_token = "hvs.literal"))).toEqual(["AK010"]);
  });
  it("a non-string provider credential", () => {
    expect(ids((s) => (s.provider.authentik[0].token = 12345))).toEqual(["AK010"]);
  });
  it("stays quiet on names that only point at secrets, and on empty values", () => {
    expect(ids((s) => {
      s.resource.kubernetes_config_map.pgbouncer_config.data.secret_name = "goauthentik";
      s.resource.kubernetes_config_map.pgbouncer_config.data.token_ttl = "3600";
      s.resource.kubernetes_config_map.pgbouncer_config.data.password = "";
    })).toEqual([]);
  });
  it("reports a Vault value in a ConfigMap or plain env as a warning, not an error", () => {
    const r = runGuards(guardContext(base())).findings.filter((f) => f.id === "AK010");
    expect(r.map((f) => f.severity)).toEqual(["warning", "warning"]);
  });
  /** AK010 findings for a ConfigMap's data, each key holding a non-empty literal. */
  const flagged = (data: Record<string, string>) => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { metadata: { name: "extra", namespace: "authentik" }, data };
    return secretsHygieneGuard.check(guardContext(s)).filter((f) => f.address === "kubernetes_config_map.extra" && f.severity === "error").map((f) => f.attribute.replace(/^data\./, "")).sort();
  };
  it("judges a key by its name: names that hold a secret", () => {
    const keys = ["password", "PASSWORD", "passwd", "db_pass", "secret", "client_secret", "token", "api_token", "credential", "credentials", "api_key", "apikey", "api-key", "api.key", "private_key", "privatekey", "access_key", "auth_key", "client_key", "AccessKey"];
    expect(flagged(Object.fromEntries(keys.map((k) => [k, "x1"])))).toEqual([...keys].sort());
  });
  it("judges a key by its name: names that point at a secret, describe one, or hold none", () => {
    const keys = ["password_file", "secret_name", "secretName", "secret-name", "token_ttl", "token-ms", "token_ms", "token_s", "token_seconds", "token_validity", "token_duration", "token_expiry", "token_expires", "secret_ref", "secret_path", "secret_mount", "secret_type", "secret_id", "secret_ids", "token_url", "token_uri", "secret_enabled", "token_age", "token_length", "secret_class", "password_policy", "secret_template", "secret_names", "existing_secret", "skip_child_token", "username", "key", "host"];
    expect(flagged(Object.fromEntries(keys.map((k) => [k, "x1"])))).toEqual([]);
  });
  it("an exclusion counts only at the end of the name, and existing only at the start", () => {
    expect(flagged({ secret_typed: "x1", not_existing_secret: "x1", token_named_x: "x1" })).toEqual(["not_existing_secret", "secret_typed", "token_named_x"]);
  });
  it("judges text by its content: PEM private keys and certificates, password=<literal>", () => {
    const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----`;
    expect(flagged({ a: pem("RSA PRIVATE KEY"), b: pem("CERTIFICATE"), c: pem("EC PRIVATE KEY"), d: pem("PRIVATE KEY"), e: pem("PUBLIC KEY"), f: "-----BEGIN rsa PRIVATE KEY-----" })).toEqual(["a", "b", "c", "d"]);
    expect(flagged({ a: "password=hunter2", b: "password = hunter2", c: "PASSWORD:\thunter2", d: "x password: 'hunter2'", e: 'password = "hunter2"' })).toEqual(["a", "b", "c", "d", "e"]);
    expect(flagged({ a: "password=${data.vault_kv_secret_v2.s.data.p}", b: "password=", c: "password=$PGPASSWORD", d: "password", e: "the password is set elsewhere" })).toEqual([]);
  });
  it("reports a string found by content and by name once, by content", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { data: { private_key: "-----BEGIN PRIVATE KEY-----\nMIIB" } };
    expect(secretsHygieneGuard.check(guardContext(s)).filter((f) => f.address === "kubernetes_config_map.extra").map((f) => [f.attribute, f.actual])).toEqual([["data.private_key", "a literal PEM block"]]);
  });
  it("judges env entries by name: a literal value of a secret-named variable, in any list", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { data: { env: "x" }, env_like: [{ name: "DB_PASSWORD", value: "hunter2x" }, { name: "DB_PASSWORD_FILE", value: "/run/secrets/db" }, { name: "API_TOKEN", value: "" }, { name: "API_TOKEN", value: "${var.t}" }, { name: 5, value: "x" }] };
    expect(secretsHygieneGuard.check(guardContext(s)).filter((f) => f.address === "kubernetes_config_map.extra").map((f) => [f.attribute, f.message])).toEqual([["env_like[0].value", "env DB_PASSWORD is a literal secret in the synthesized JSON"]]);
  });
  it("looks in data sources, locals, outputs and the outpost config too, naming each", () => {
    const s = clone(base()) as any;
    s.data.vault_kv_secret_v2.extra = { mount: "secret", name: "x", client_token: "hvs.literal" };
    s.locals.extra = { api_key: "abc" };
    s.output.extra = { value: "password=hunter2" };
    const cfg = outpostConfig(s);
    cfg.client_secret = "literal-secret";
    setOutpostConfig(s, cfg);
    const f = secretsHygieneGuard.check(guardContext(s)).filter((x) => x.severity === "error");
    expect(f.map((x) => [x.address, x.attribute]).sort()).toEqual([
      ["authentik_outpost.embedded", "config.client_secret"],
      ["data.vault_kv_secret_v2.extra", "client_token"],
      ["locals.extra", "api_key"],
      ["output.extra", "value"],
    ]);
    expect(f.find((x) => x.address === "output.extra")!.message).toContain("in an output");
    expect(f.find((x) => x.address === "authentik_outpost.embedded")!.message).toContain("in the outpost config");
  });
  it("skips cdktf's // metadata", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.pgbouncer_config["//"] = { metadata: { token: "not-a-secret-path" } };
    expect(secretsHygieneGuard.check(guardContext(s)).filter((f) => f.severity === "error")).toEqual([]);
  });
  it("provider credentials must be references when set, in either block form", () => {
    const s = clone(base()) as any;
    s.provider.cloudflare = { api_token: 42 };
    const f = secretsHygieneGuard.check(guardContext(s)).filter((x) => x.address === "provider.cloudflare");
    expect(f.map((x) => [x.attribute, x.actual])).toEqual([["api_token", "42"]]);
    const ok = clone(base()) as any;
    ok.provider.cloudflare = [{ api_token: "${data.vault_kv_secret_v2.cf.data.token}" }];
    expect(secretsHygieneGuard.check(guardContext(ok)).filter((x) => x.address === "provider.cloudflare")).toEqual([]);
  });
  it("Secret data must be references; a secret-named key's literal is reported by name, an unnamed one as literal data", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_secret.pgbouncer_auth.data = { "userlist.txt": "${file(var.x)}", note: "hello", api_token: "abc" };
    const f = secretsHygieneGuard.check(guardContext(s)).filter((x) => x.address === "kubernetes_secret.pgbouncer_auth");
    expect(f.map((x) => [x.attribute, x.actual]).sort()).toEqual([["data.api_token", "a non-empty literal"], ['data["note"]', "a literal"]]);
    const noData = clone(base()) as any;
    delete noData.resource.kubernetes_secret.pgbouncer_auth.data;
    expect(secretsHygieneGuard.check(guardContext(noData)).filter((x) => x.address === "kubernetes_secret.pgbouncer_auth")).toEqual([]);
  });
  it("the live warnings name where the Vault value lands; other ConfigMap text and env values are not warned about", () => {
    const w = secretsHygieneGuard.check(guardContext(base())).filter((x) => x.severity === "warning");
    expect(w.map((x) => [x.address, x.attribute])).toEqual([
      ["kubernetes_config_map.pgbouncer_config", 'data["pgbouncer.ini"]'],
      ["kubernetes_deployment.pgbouncer", "spec[0].template[0].spec[0].container[0].env[0].value"],
    ]);
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.pgbouncer_config.data.note = "plain text";
    s.resource.kubernetes_config_map.pgbouncer_config.data.n = 5;
    delete s.resource.kubernetes_config_map.pgbouncer_config.data["pgbouncer.ini"];
    const dep = s.resource.kubernetes_deployment.pgbouncer.spec.template.spec;
    dep.container = [{ env: [{ name: "A", value: "plain" }, { name: "B", value: 5 }] }, dep.container[0]];
    expect(secretsHygieneGuard.check(guardContext(s)).filter((x) => x.severity === "warning").map((x) => x.attribute)).toEqual(["spec[0].template[0].spec[0].container[1].env[0].value"]);
  });
  it("reads a Deployment written in terraform's list form and one without env", () => {
    const s = clone(base()) as any;
    const d = s.resource.kubernetes_deployment.pgbouncer;
    d.spec = [d.spec];
    d.spec[0].template = [d.spec[0].template];
    d.spec[0].template[0].spec = [d.spec[0].template[0].spec];
    d.spec[0].template[0].spec[0].container[0].env = d.spec[0].template[0].spec[0].container[0].env[0];
    expect(secretsHygieneGuard.check(guardContext(s)).filter((x) => x.severity === "warning").length).toBe(2);
    delete d.spec[0].template[0].spec[0].container[0].env;
    expect(secretsHygieneGuard.check(guardContext(s)).filter((x) => x.severity === "warning").length).toBe(1);
  });
});

/**
 * AK001 and AK003, each finding in full: which op is named, what was expected, what was seen, and that a
 * case reports once (a guard that falls through to its later checks reports the same fault twice).
 */
describe("AK001 and AK003 findings, whole", () => {
  const SEL = "config.kubernetes_json_patches.service";
  const DEP = "config.kubernetes_json_patches.deployment";
  const UUID_KEY = "goauthentik.io/outpost-uuid";
  const LIVE_UUID = "0eecac0797c7443c892505f2f4fe3e47";
  const of = (s: StackJson, id: string) => newFindings(s).filter((f) => f.id === id);
  const row = (f: Finding) => [f.attribute, f.expected, f.actual];
  const replaceSelector = (value: unknown) => mutateOutpost((c) => svc(c).push({ op: "replace", path: "/spec/selector", value }));
  const selectorLabel = (k: string, value: unknown) => mutateOutpost((c) => (svc(c)[0].value[k] = value));

  it("no outpost record: names the record it wanted and that there is none", () => {
    const s = clone(base()) as any;
    delete s.resource.authentik_outpost;
    expect(of(s, "AK001").map((f) => [f.address, f.attribute, f.expected, f.actual])).toEqual([["authentik_outpost", "name", 'an authentik_outpost named "authentik Embedded Outpost"', "no authentik_outpost"]]);
  });
  it("outpost records under other names: lists the names it found", () => {
    const s = clone(base()) as any;
    const rec = s.resource.authentik_outpost.embedded;
    s.resource.authentik_outpost = { a: { ...rec, name: "edge-a" }, b: { ...rec, name: "edge-b" } };
    expect(of(s, "AK001").filter((f) => f.attribute === "name").map((f) => f.actual)).toEqual(["edge-a, edge-b"]);
  });
  it("another outpost beside the embedded one is not a missing record", () => {
    const s = clone(base()) as any;
    s.resource.authentik_outpost.ldap = { name: "ldap", type: "ldap", config: JSON.stringify({ kubernetes_json_patches: {} }), protocol_providers: [] };
    expect(of(s, "AK001").filter((f) => f.attribute === "name")).toEqual([]);
  });
  it("an unreadable config is one finding naming the record's config", () => {
    const s = clone(base()) as any;
    s.resource.authentik_outpost.embedded.config = "{not json";
    expect(of(s, "AK001").map((f) => [f.address, f.attribute, f.actual])).toEqual([["authentik_outpost.embedded", "config", "unreadable"]]);
  });

  it.each([
    ["removed", undefined, "absent"],
    ["null", null, "null"],
    ["a string", "x", '"x"'],
    ["empty", {}, "{}"],
    ["a list", ["app.kubernetes.io/name"], '["app.kubernetes.io/name"]'],
    ["false", false, "false"],
  ])("a selector that is %s is no selector, reported once", (_what, value, actual) => {
    const s = value === undefined ? mutateOutpost((c) => svc(c).push({ op: "remove", path: "/spec/selector" })) : replaceSelector(value);
    expect(of(s, "AK001").map((f) => [f.attribute, f.actual, f.message.includes("has no selector")])).toEqual([[`${SEL}[1]`, actual, true]]);
    // what it should select: the labels the controller puts on the outpost pods
    expect(of(s, "AK001")[0].expected).toBe(`app.kubernetes.io/managed-by=goauthentik.io, app.kubernetes.io/name=authentik-outpost-proxy, goauthentik.io/outpost-name=authentik-embedded-outpost, goauthentik.io/outpost-type=proxy, ${UUID_KEY}=${LIVE_UUID}`);
  });

  it("a selector on the server pods is one finding, naming both names", () => {
    const s = replaceSelector({ "app.kubernetes.io/name": "authentik", "app.kubernetes.io/component": "server" });
    expect(of(s, "AK001").map(row)).toEqual([[`${SEL}[1]`, "app.kubernetes.io/name=authentik-outpost-proxy", "app.kubernetes.io/name=authentik"]]);
  });

  it.each([
    ["with dashes", "0eecac07-97c7-443c-8925-05f2f4fe3e47"],
    ["with a character before it", `x${LIVE_UUID}`],
    ["with a digit after it", `${LIVE_UUID}0`],
    ["in upper case", LIVE_UUID.toUpperCase()],
    ["as a list holding the right text", [LIVE_UUID]],
    ["as a number", 42],
  ])("an outpost-uuid %s is not the controller's form, and selects no outpost pod", (_what, value) => {
    const s = selectorLabel(UUID_KEY, value);
    expect(of(s, "AK001").map(row)).toEqual([
      [`${SEL}[0].value["${UUID_KEY}"]`, "32 lower-case hex digits", JSON.stringify(value)],
      [`${SEL}[0].value["${UUID_KEY}"]`, LIVE_UUID, JSON.stringify(value)],
    ]);
  });
  it("a well-formed UUID of another outpost is one finding: it selects no outpost pod", () => {
    const s = selectorLabel(UUID_KEY, "f".repeat(32));
    expect(of(s, "AK001").map(row)).toEqual([[`${SEL}[0].value["${UUID_KEY}"]`, LIVE_UUID, JSON.stringify("f".repeat(32))]]);
  });
  it("a selector label with another value is one finding (the pods still carry theirs)", () => {
    const s = selectorLabel("goauthentik.io/outpost-type", "ldap");
    expect(of(s, "AK001").map(row)).toEqual([[`${SEL}[0].value["goauthentik.io/outpost-type"]`, "proxy", '"ldap"']]);
  });
  it("a selector missing a label is one finding", () => {
    const s = mutateOutpost((c) => delete svc(c)[0].value["goauthentik.io/outpost-name"]);
    expect(of(s, "AK001").map(row)).toEqual([[`${SEL}[0].value["goauthentik.io/outpost-name"]`, "authentik-embedded-outpost", "absent"]]);
  });
  it("a pod label changed by a later deployment op names that op and the value the pods now carry", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: "/spec/template/metadata/labels/goauthentik.io~1outpost-name", value: "other" }));
    expect(of(s, "AK001").map(row)).toEqual([[`${DEP}[9]`, "goauthentik.io/outpost-name=authentik-embedded-outpost on the pod template", '"other"']]);
  });
  it("pods without any labels: every selected label is reported missing from them", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "remove", path: "/spec/template/metadata/labels" }));
    expect(of(s, "AK001").map((f) => [f.attribute, f.expected])).toEqual(
      ["app.kubernetes.io/managed-by=goauthentik.io", "app.kubernetes.io/name=authentik-outpost-proxy", "goauthentik.io/outpost-name=authentik-embedded-outpost", "goauthentik.io/outpost-type=proxy", `${UUID_KEY}=${LIVE_UUID}`].map((l) => [`${DEP}[9]`, `${l} on the pod template`]),
    );
  });
  it("a second outpost's selector may carry its UUID label (only the config's outpost has a known UUID)", () => {
    const s = clone(base()) as any;
    const rec = s.resource.authentik_outpost.embedded;
    const cfg = JSON.parse(rec.config);
    cfg.kubernetes_json_patches.service[0].value["goauthentik.io/outpost-name"] = "second";
    s.resource.authentik_outpost.second = { ...rec, name: "second", config: JSON.stringify(cfg) };
    expect(of(s, "AK001").filter((f) => f.address === "authentik_outpost.second")).toEqual([]);
  });

  // AK003
  const CONTAINERS = "/spec/template/spec/containers";
  const envOf = (s: StackJson) => of(s, "AK003");
  it("a sidecar inserted before the outpost container: a later env op on the outpost container (now [1]) is the one named", () => {
    const s = mutateOutpost((c) => {
      dep(c).push({ op: "add", path: `${CONTAINERS}/0`, value: { name: "sidecar", image: "busybox" } });
      dep(c).push({ op: "remove", path: `${CONTAINERS}/1/env/5` });
      dep(c).push({ op: "replace", path: `${CONTAINERS}/0/image`, value: "busybox:1.37" });
    });
    expect(envOf(s).map(row)).toEqual([[`${DEP}[10]`, "AUTHENTIK_POSTGRESQL__PORT once, from secretKeyRef", "0"]]);
  });
  it("containers that are not a list: the outpost container's env is gone, named at the op responsible", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: CONTAINERS, value: "x" }));
    expect(envOf(s).map((f) => [f.attribute, f.actual])).toEqual([[`${DEP}[9]`, "absent"]]);
  });
  it("an outpost container renamed away: no env is found, and the op that renamed it is named", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "replace", path: `${CONTAINERS}/0/name`, value: "other" }));
    expect(envOf(s).map((f) => [f.attribute, f.actual])).toEqual([[`${DEP}[9]`, "absent"]]);
  });
  it("env removed: actual is absent; env a long string: actual is cut to 120 characters", () => {
    expect(envOf(mutateOutpost((c) => dep(c).push({ op: "remove", path: `${CONTAINERS}/0/env` }))).map((f) => [f.attribute, f.actual])).toEqual([[`${DEP}[9]`, "absent"]]);
    const long = envOf(mutateOutpost((c) => dep(c).push({ op: "replace", path: `${CONTAINERS}/0/env`, value: "y".repeat(300) })));
    expect(long.map((f) => f.actual)).toEqual([`"${"y".repeat(119)}`]);
  });
  it("a controller variable changed: expected is the controller's entry, actual the changed one; removed: absent", () => {
    const changed = envOf(mutateOutpost((c) => dep(c).push({ op: "replace", path: `${CONTAINERS}/0/env/0/valueFrom/secretKeyRef/key`, value: "other" })));
    expect(changed).toHaveLength(1);
    const [expected, actual] = [JSON.parse(changed[0].expected!), JSON.parse(changed[0].actual!)];
    expect([expected.name, expected.valueFrom.secretKeyRef.key]).toEqual(["AUTHENTIK_HOST", "authentik_host"]);
    expect(actual).toEqual({ ...expected, valueFrom: { secretKeyRef: { ...expected.valueFrom.secretKeyRef, key: "other" } } });
    const removed = envOf(mutateOutpost((c) => dep(c).push({ op: "remove", path: `${CONTAINERS}/0/env/0` })));
    expect(removed.map((f) => [f.attribute, f.actual])).toEqual([[`${DEP}[9]`, "absent"]]);
  });
  it("a variable set twice or not at all: says how many times", () => {
    const twice = envOf(mutateOutpost((c) => dep(c).push({ ...dep(c)[4] })));
    expect(twice.map((f) => [f.message, f.actual])).toEqual([["AUTHENTIK_POSTGRESQL__HOST is set 2 times", "2"]]);
  });
  it("a literal variable, even an empty one, is one finding (its Secret and key are not judged too)", () => {
    const s = mutateOutpost((c) => (dep(c)[6].value = { name: "AUTHENTIK_POSTGRESQL__USER", value: "" }));
    expect(envOf(s).map(row)).toEqual([[`${DEP}[8]`, "valueFrom.secretKeyRef", "a literal value"]]);
  });
  it("a variable reading another key names the key it reads and the one it should", () => {
    const s = mutateOutpost((c) => (dep(c)[8].value.valueFrom.secretKeyRef.key = "dbname"));
    expect(envOf(s).map(row)).toEqual([[`${DEP}[8]`, "AUTHENTIK_POSTGRESQL__NAME", "dbname"]]);
  });
  it("env entries that are null or have no string name are not postgres variables, and do not break the guard", () => {
    const s = mutateOutpost((c) => {
      dep(c).push({ op: "add", path: `${CONTAINERS}/0/env/-`, value: null });
      dep(c).push({ op: "add", path: `${CONTAINERS}/0/env/-`, value: { name: 7, value: "x" } });
    });
    expect(envOf(s)).toEqual([]);
    // ...also while looking for a controller variable that is gone
    const gone = mutateOutpost((c) => {
      dep(c).push({ op: "add", path: `${CONTAINERS}/0/env/0`, value: null });
      dep(c).push({ op: "remove", path: `${CONTAINERS}/0/env/1` });
    });
    expect(envOf(gone).map((f) => [f.message, f.actual])).toEqual([["after the patches the controller's AUTHENTIK_HOST is missing or changed; a patch replaced or edited the controller's env", "absent"]]);
  });
  it("a variable with neither value nor valueFrom reads no Secret and no key", () => {
    const s = mutateOutpost((c) => (dep(c)[4].value = { name: "AUTHENTIK_POSTGRESQL__HOST" }));
    expect(envOf(s).map(row)).toEqual([[`${DEP}[8]`, "goauthentik", "undefined"], [`${DEP}[8]`, "AUTHENTIK_POSTGRESQL__HOST", "undefined"]]);
  });
  it("values the guards can't read: the release's Secret is unknown, not missing (AK008 reports the values)", () => {
    const s = clone(base()) as any;
    s.resource.helm_release.authentik.values = ["${var.values}"];
    expect(newIds(s)).toEqual(["AK008"]);
  });
  it("another release listed before authentik's, without an existingSecret, is not authentik's", () => {
    const s = clone(base()) as any;
    const mine = s.resource.helm_release.authentik;
    s.resource.helm_release = { another: { ...mine, name: "another", values: ["replicas: 1\n"] }, authentik: mine };
    expect(of(s, "AK003")).toEqual([]);
  });
  it("a variable that merely contains AUTHENTIK_POSTGRESQL__ later in its name is not a postgres variable", () => {
    const s = mutateOutpost((c) => dep(c).push({ op: "add", path: `${CONTAINERS}/0/env/-`, value: { name: "X_AUTHENTIK_POSTGRESQL__HOST", value: "x" } }));
    expect(envOf(s)).toEqual([]);
  });
});

describe("AK010, the edges", () => {
  const ak010 = (s: StackJson) => secretsHygieneGuard.check(guardContext(s));
  const at = (s: StackJson, address: string) => ak010(s).filter((x) => x.address === address).map((x) => [x.severity, x.attribute, x.actual]);
  it("a secret-named key holding only blanks holds no secret", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { data: { password: "   ", api_token: "\t" } };
    expect(at(s, "kubernetes_config_map.extra")).toEqual([]);
  });
  it("names the last two key forms: auth key and client key without a separator", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { data: { authkey: "x1", clientkey: "x1" } };
    expect(at(s, "kubernetes_config_map.extra")).toEqual([["error", "data.authkey", "a non-empty literal"], ["error", "data.clientkey", "a non-empty literal"]]);
  });
  it("a PEM block inside a list is reported once, where it is, not also on the list", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { data: { chain: ["plain", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"] } };
    expect(at(s, "kubernetes_config_map.extra")).toEqual([["error", "data.chain[1]", "a literal PEM block"]]);
  });
  it("an entry whose name is not a string is no env variable, even when its text looks like one", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.extra = { env_like: [{ name: ["API_TOKEN"], value: "abc" }] };
    expect(at(s, "kubernetes_config_map.extra")).toEqual([]);
  });
  it("PEM material in a Secret's data is one finding, by content, not also 'literal data'", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_secret.tls_secret.data["tls.key"] = "-----BEGIN PRIVATE KEY-----\nMIIB...\n-----END PRIVATE KEY-----\n";
    expect(at(s, "kubernetes_secret.tls_secret")).toEqual([["error", "data.tls.key", "a literal PEM block"]]);
  });
  it("a Vault token given as a number is not a reference", () => {
    const s = clone(base()) as any;
    s.provider.vault[0].token = 12345;
    expect(at(s, "provider.vault")).toEqual([["error", "token", "12345"]]);
  });
  it("an aliased provider block is named by its alias, so two blocks' findings are told apart", () => {
    const s = clone(base()) as any;
    s.provider.vault = [s.provider.vault[0], { ...s.provider.vault[0], alias: "backup", token: "hvs.literal" }, { alias: "other", token: 7 }];
    expect(ak010(s).filter((x) => x.address.startsWith("provider.vault")).map((x) => [x.address, x.attribute, x.actual])).toEqual([
      ["provider.vault.backup", "token", "a non-empty literal"],
      ["provider.vault.other", "token", "7"],
    ]);
  });
  it("a Vault value in ConfigMap data or an env value is warned about in whatever form it is written", () => {
    const s = clone(base()) as any;
    s.resource.kubernetes_config_map.pgbouncer_config.data["pgbouncer.ini"] = ["${data.vault_kv_secret_v2.db.data.password}"];
    s.resource.kubernetes_deployment.pgbouncer.spec.template.spec.container[0].env[0].value = { v: "${data.vault_kv_secret_v2.db.data.password}" };
    expect(ak010(s).filter((x) => x.severity === "warning").map((x) => [x.address, x.attribute])).toEqual([
      ["kubernetes_config_map.pgbouncer_config", 'data["pgbouncer.ini"]'],
      ["kubernetes_deployment.pgbouncer", "spec[0].template[0].spec[0].container[0].env[0].value"],
    ]);
  });
  it("malformed inputs do not break it: nulls, a Deployment without spec, template, pod spec or containers, unreadable values and outpost config", () => {
    const s = clone(base()) as any;
    s.locals.nothing = null;
    s.provider.vault = [null, ...s.provider.vault];
    const d = s.resource.kubernetes_deployment.pgbouncer;
    s.resource.kubernetes_deployment = {
      pgbouncer: d,
      a: {},
      b: { spec: {} },
      c: { spec: { template: {} } },
      d: { spec: { template: { spec: {} } } },
      e: { spec: { template: { spec: { container: [null, { env: [null] }] } } } },
    };
    s.resource.helm_release.authentik.values = ["${var.values}"];
    s.resource.authentik_outpost.embedded.config = "{not json";
    expect(ak010(s).map((x) => [x.severity, x.address])).toEqual([
      ["warning", "kubernetes_config_map.pgbouncer_config"],
      ["warning", "kubernetes_deployment.pgbouncer"],
    ]);
  });
});
