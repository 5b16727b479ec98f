/** The controller model against the recorded controller output, and the JSON-pointer helpers. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderControllerObjects } from "../../model/outpost-controller";
import { addPodLabel, appendEnvFromSecret, escapePointerSegment, parsePointer, pointer } from "../../lib/json-patch";
import { ROOT } from "../support/synth";

describe("the outpost controller model", () => {
  it("renders exactly the recorded Deployment and Service (goauthentik 2026.2.x)", () => {
    const recorded = parse(fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "reference", "outpost-controller-objects.yaml"), "utf8"));
    const ours = renderControllerObjects({ name: "authentik Embedded Outpost", type: "proxy", uuid: "0eecac07-97c7-443c-8925-05f2f4fe3e47", namespace: "authentik", objectNamingTemplate: "ak-outpost-%(name)s", replicas: 1, version: "2026.2.2", embedded: true });
    expect(ours.deployment).toEqual(recorded.deployment);
    expect(ours.service).toEqual(recorded.service);
  });
});

describe("JSON pointers", () => {
  it("escape ~ and / per RFC 6901, and round-trip", () => {
    expect(escapePointerSegment("app.kubernetes.io/component")).toBe("app.kubernetes.io~1component");
    expect(escapePointerSegment("a~b")).toBe("a~0b");
    expect(pointer("metadata", "labels", "x/y~z")).toBe("/metadata/labels/x~1y~0z");
    expect(parsePointer("/metadata/labels/x~1y~0z")).toEqual(["metadata", "labels", "x/y~z"]);
  });
  it("build the live patches", () => {
    expect(addPodLabel("app.kubernetes.io/component", "server").path).toBe("/spec/template/metadata/labels/app.kubernetes.io~1component");
    expect(appendEnvFromSecret(0, "AUTHENTIK_POSTGRESQL__HOST", "goauthentik")).toEqual({
      op: "add",
      path: "/spec/template/spec/containers/0/env/-",
      value: { name: "AUTHENTIK_POSTGRESQL__HOST", valueFrom: { secretKeyRef: { name: "goauthentik", key: "AUTHENTIK_POSTGRESQL__HOST" } } },
    });
  });
});
