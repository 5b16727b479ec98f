/** The providers the stack requires (config/providers.ts) and those the offline mirror builds (terraform/providers.tsv) agree. */
import * as fs from "fs";
import * as path from "path";
import { satisfies } from "semver";
import { PROVIDER_REQUIREMENTS } from "../../config/providers";
import { ROOT, synthJson } from "../support/synth";

/**
 * Terraform's version constraints as npm semver ranges. "~>" is Terraform's pessimistic operator: only
 * the rightmost given component may grow ("~> 4.0" and "~> 4" allow 4.x; "~> 1.0.4" allows 1.0.x >= 4),
 * which is not npm's "~". An exact version stays exact.
 */
export function tfRange(constraint: string): string {
  const m = /^~>\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(constraint.trim());
  if (!m) return constraint;
  const [maj, min, pat] = [Number(m[1]), m[2] === undefined ? undefined : Number(m[2]), m[3] === undefined ? undefined : Number(m[3])];
  if (pat !== undefined) return `>=${maj}.${min}.${pat} <${maj}.${(min as number) + 1}.0`;
  return `>=${maj}.${min ?? 0}.0 <${maj + 1}.0.0`;
}

const rows = fs
  .readFileSync(path.join(ROOT, "terraform", "providers.tsv"), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => {
    const [namespace, type, pinned, archive] = l.split("\t");
    return { namespace, type, pinned, archive };
  });

describe("provider pins", () => {
  it("the mirror builds exactly the providers the stack requires", () => {
    expect(rows.map((r) => r.type).sort()).toEqual(Object.keys(PROVIDER_REQUIREMENTS).sort());
  });
  it.each(rows.map((r) => [r.type, r]))("%s: same source, and the pinned build satisfies the constraint", (type, r: any) => {
    const req = PROVIDER_REQUIREMENTS[type as string];
    expect(req.source).toBe(`${r.namespace}/${r.type}`);
    expect(satisfies(r.pinned, tfRange(req.version))).toBe(true);
  });
  it("reads Terraform's ~> as Terraform does", () => {
    expect(satisfies("4.8.0", tfRange("~> 4.0"))).toBe(true);
    expect(satisfies("5.0.0", tfRange("~> 4"))).toBe(false);
    expect(satisfies("1.1.0", tfRange("~> 1.0.4"))).toBe(false);
    expect(satisfies("2.38.0", tfRange("2.38.0"))).toBe(true);
  });
  it.each(rows.map((r) => [r.type, r]))("%s: the mirror builds it from that version's release-tag archive", (_type, r: any) => {
    expect(r.archive).toBe(`terraform-provider-${r.type}-v${r.pinned}.src.tar.gz`);
  });
  it.each([
    ["kubernetes", "@cdktf/provider-kubernetes"],
    ["helm", "@cdktf/provider-helm"],
  ])("%s: the prebuilt bindings (%s) were generated from exactly the pinned provider", (type, pkg) => {
    const meta = JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).cdktf.provider;
    expect(meta).toEqual({ name: `registry.terraform.io/hashicorp/${type}`, version: PROVIDER_REQUIREMENTS[type].version });
  });
  it.each(["authentik", "vault", "cloudflare"])("%s: the committed schema the bindings come from is the pinned provider's", (type) => {
    const doc = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", `${type}.json`), "utf8"));
    const row = rows.find((r) => r.type === type)!;
    expect(Object.keys(doc.provider_schemas)).toEqual([`registry.terraform.io/${row.namespace}/${type}`]);
    expect(doc["//"]).toContain(`${row.namespace}/${type} ${row.pinned}: \`terraform providers schema -json\` of the real build`);
  });
  it("the synthesized stack requires exactly these", () => {
    expect(synthJson().terraform!.required_providers).toEqual(PROVIDER_REQUIREMENTS);
  });
});
