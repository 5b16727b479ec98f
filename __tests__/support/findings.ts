/**
 * The guard tests' one way to judge a mutation of the real stack: the findings it adds over the real
 * stack's own, with every guard's findings on the mutated stack checked to be well-formed findings of
 * that guard's id (all fields text: `actual: undefined` printed "actual undefined" once). Used by
 * guards.test.ts and identity-guards.test.ts.
 */
import { GUARDS, runGuards } from "../../guards/registry";
import { Finding, GuardContext, StackJson } from "../../guards/types";
import { guardContext, realStackJson } from "./stack-json";

/** Each guard's findings on `ctx` are well-formed findings of its own id. */
export function expectWellFormed(ctx: GuardContext): void {
  for (const g of GUARDS) {
    for (const x of g.check(ctx)) {
      expect([g.id, x]).toEqual([g.id, { id: g.id, severity: expect.stringMatching(/^(error|warning)$/), address: expect.any(String), attribute: expect.any(String), message: expect.any(String), expected: expect.any(String), actual: expect.any(String), fix: expect.any(String) }]);
    }
  }
}

const key = (f: Finding) => `${f.id}|${f.address}|${f.attribute}|${f.message}`;

/**
 * The real stack, read lazily (inside a test: mutation testing attributes coverage per test and must not pay
 * for a synth at load time), and `added(stack)`: the findings a mutation of it adds.
 */
export function mutationBaseline(): { base: () => StackJson; added: (stack: StackJson, ctx?: GuardContext) => Finding[] } {
  let synthesized: StackJson | undefined;
  let baselineKeys: Set<string> | undefined;
  const base = () => (synthesized ??= realStackJson());
  const baseline = () => (baselineKeys ??= new Set(runGuards(guardContext(base())).findings.map(key)));
  const added = (stack: StackJson, ctx: GuardContext = guardContext(stack)) => {
    expectWellFormed(ctx);
    return runGuards(ctx).findings.filter((f) => !baseline().has(key(f)));
  };
  return { base, added };
}
