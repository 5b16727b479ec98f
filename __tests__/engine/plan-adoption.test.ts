/**
 * judgePlan and adoption (terraform >= 1.5 `import` blocks, `change.importing` in show -json): a pure
 * import is not a change; an import that would also change or replace the object is a change, never
 * "No changes"; a planned delete of a live authentik object is refused loudly.
 */
import { judgePlan, formatVerdict } from "../../engine/plan";

const rc = (address: string, actions: string[], before: any = {}, after: any = {}, extra: any = {}) => ({
  address, mode: "managed", type: address.split(".")[0],
  change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...extra },
});
const plan = (...changes: any[]) => ({ format_version: "1.2", resource_changes: changes });
const G = "00000000-0000-4000-8000-000000000001";

describe("judgePlan with imports", () => {
  it("an import with no other change is listed apart and is not a change", () => {
    const v = judgePlan(plan(rc("authentik_group.headscale_users", ["no-op"], { name: "Headscale Users" }, { name: "Headscale Users" }, { importing: { id: G } })));
    expect(v).toMatchObject({ noChanges: true, changes: [], imports: [{ address: "authentik_group.headscale_users", id: G }], destroysAdopted: [] });
    expect(formatVerdict(v)).toEqual([
      "No changes: the stack plans to zero resource changes.",
      "1 live object(s) are adopted unchanged (import blocks; apply them, then empty the adoption file): authentik_group.headscale_users",
    ]);
  });
  it("an import that would also update the object is a change naming the attribute", () => {
    const v = judgePlan(plan(rc("authentik_stage_user_write.enrollment_user_write", ["update"], { create_users_as_inactive: false }, { create_users_as_inactive: true }, { importing: { id: G } })));
    expect(v.noChanges).toBe(false);
    expect(v.changes).toEqual([expect.objectContaining({ address: "authentik_stage_user_write.enrollment_user_write", kind: "update", importing: G, attributes: ["create_users_as_inactive"] })]);
    expect(formatVerdict(v)[1]).toBe("  import+update authentik_stage_user_write.enrollment_user_write: create_users_as_inactive");
    expect(formatVerdict(v).join("\n")).not.toMatch(/No changes/);
  });
  it("an import that would replace the object is a change and a refused destroy", () => {
    const v = judgePlan(plan(rc("authentik_flow.invitation_enrollment", ["delete", "create"], { slug: "invitation-enrollment" }, { slug: "invitation-enrolment" }, { importing: { id: "invitation-enrollment" } })));
    expect(v.noChanges).toBe(false);
    expect(v.changes[0]).toMatchObject({ kind: "replace", importing: "invitation-enrollment", attributes: ["slug"] });
    expect(v.destroysAdopted).toEqual(["authentik_flow.invitation_enrollment"]);
    expect(formatVerdict(v)[0]).toMatch(/^REFUSED: the plan destroys 1 live authentik object\(s\): authentik_flow\.invitation_enrollment\./);
  });
  it("a planned delete of an adopted object (gone from the config after the adoption file was emptied) is refused", () => {
    const v = judgePlan(plan(rc("authentik_group.task_submitters", ["delete"]), rc("kubernetes_config_map.x", ["delete"])));
    expect(v.destroysAdopted).toEqual(["authentik_group.task_submitters"]);
    expect(v.noChanges).toBe(false);
  });
});
