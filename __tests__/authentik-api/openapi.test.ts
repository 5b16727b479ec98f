/**
 * The committed OpenAPI copy is exactly what scripts/trim-openapi.js makes of authentik's archive, and
 * everything in it is served: every operation is generic CRUD or an implemented action.
 */
import * as fs from "fs";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { archivePath, trimmedSpec, DEFAULT_OUT } = require("../../scripts/trim-openapi") as { archivePath(): string; trimmedSpec(): unknown; DEFAULT_OUT: string };
import { buildRoutes, loadSpec } from "../../authentik-api/spec";
import { ACTIONS } from "../../authentik-api/semantics";

const haveArchive = fs.existsSync(archivePath());

describe("authentik-api/openapi/authentik-2026.2.json", () => {
  (haveArchive ? it : it.skip)("matches the client-go archive in ../shared (regenerate: node scripts/trim-openapi.js)", () => {
    const committed = JSON.parse(fs.readFileSync(DEFAULT_OUT, "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(trimmedSpec())));
  });

  it("names its source tag and carries the MIT license", () => {
    const doc = loadSpec();
    expect(doc["x-source"]).toMatchObject({ tag: "v3.2026020.2", commit: "c2a7d8676b47ddb0a46db0122e0496f27e49a520", license: "MIT" });
    expect((doc as any)["x-license"]).toMatch(/MIT License|Permission is hereby granted/);
    expect(doc.info.version).toMatch(/^2026\.2\./);
  });

  it("every operation is served: generic CRUD for each collection, an implementation for each action", () => {
    const routes = buildRoutes();
    const paths = routes.collections.map((c) => c.path);
    for (const p of ["/flows/instances/", "/outposts/instances/", "/providers/proxy/", "/stages/user_login/", "/core/groups/", "/stages/invitation/invitations/", "/policies/reputation/", "/flows/bindings/", "/policies/bindings/", "/sources/oauth/", "/providers/oauth2/", "/core/users/"]) {
      expect(paths).toContain(p);
    }
    const flows = routes.collections.find((c) => c.path === "/flows/instances/")!;
    expect(flows).toMatchObject({ lookupField: "slug", schema: "Flow", requestSchema: "FlowRequest", patchSchema: "PatchedFlowRequest" });
    expect([...flows.ops].sort()).toEqual(["create", "destroy", "list", "partial_update", "retrieve", "update"]);
    expect(flows.listParams.map((q) => q.name)).toContain("slug");
    expect(routes.actions.map((a) => a.operationId).filter((id) => !ACTIONS[id])).toEqual([]);
  });
});
