/** Reading Terraform references between goauthentik objects (guards/read/identity-refs.ts), as the identity guards do. */
import { declared, describe as describeValue, refOf } from "../../../guards/read/identity-refs";
import { StackJson } from "../../../guards/types";

describe("refOf", () => {
  it("reads a whole-value resource reference", () => {
    expect(refOf("${authentik_group.allow_login_users.id}")).toEqual({ data: false, type: "authentik_group", name: "allow_login_users", attr: "id", address: "authentik_group.allow_login_users" });
  });
  it("reads a data source reference, with data. in the address", () => {
    expect(refOf("${data.authentik_flow.default_authentication_flow.uuid}")).toEqual({ data: true, type: "authentik_flow", name: "default_authentication_flow", attr: "uuid", address: "data.authentik_flow.default_authentication_flow" });
  });
  it("reads construct names with upper case, digits and dashes (cdktf keeps them)", () => {
    expect(refOf("${authentik_group.Group-2_a.id}")?.name).toBe("Group-2_a");
    expect(refOf("${authentik_flow_stage_binding.invitation_enrollment_10.id}")?.type).toBe("authentik_flow_stage_binding");
  });
  it("is undefined for anything but a whole reference", () => {
    for (const v of [
      "5a1c9e2e-0000-4000-8000-000000000000", // a literal id
      "x${authentik_group.a.id}", // text before
      "${authentik_group.a.id}x", // text after
      "${authentik_group.a}", // no attribute
      "${authentik_group.a.id.b}", // a path below the attribute
      "${Authentik_group.a.id}", // resource types are lower case
      "${authentik_group.a.Id}", // so are attribute names
      "${authentik_group..id}", // an empty name
      "${upper(authentik_group.a.id)}", // an expression
    ]) expect([v, refOf(v)]).toEqual([v, undefined]);
  });
  it("is undefined for values that are not strings", () => {
    for (const v of [undefined, null, 5, true, ["${authentik_group.a.id}"], { ref: "${authentik_group.a.id}" }]) expect(refOf(v)).toBeUndefined();
  });
});

describe("declared", () => {
  const stack: StackJson = { resource: { authentik_group: { a: { name: "A" } } }, data: { authentik_flow: { f: { slug: "f" } } } };
  it("finds resources among resources and data sources among data sources", () => {
    expect(declared(stack, refOf("${authentik_group.a.id}")!)).toBe(true);
    expect(declared(stack, refOf("${data.authentik_flow.f.id}")!)).toBe(true);
  });
  it("does not confuse a resource with a data source of the same name", () => {
    expect(declared(stack, refOf("${data.authentik_group.a.id}")!)).toBe(false);
    expect(declared(stack, refOf("${authentik_flow.f.id}")!)).toBe(false);
  });
  it("is false for an unknown name, an unknown type, or a stack without resources or data", () => {
    expect(declared(stack, refOf("${authentik_group.b.id}")!)).toBe(false);
    expect(declared(stack, refOf("${authentik_source.a.id}")!)).toBe(false);
    expect(declared({}, refOf("${authentik_group.a.id}")!)).toBe(false);
    expect(declared({}, refOf("${data.authentik_flow.f.id}")!)).toBe(false);
  });
});

describe("describe", () => {
  it("names a reference by its address, an absent value as unset, and a literal as JSON", () => {
    expect(describeValue("${data.authentik_flow.f.uuid}")).toBe("data.authentik_flow.f");
    expect(describeValue(undefined)).toBe("unset");
    expect(describeValue(null)).toBe("null");
    expect(describeValue("5a1c")).toBe('"5a1c"');
  });
});
