/**
 * deploy's verify after an apply: the steps that don't pass yet are run again (only those) while the
 * cluster settles, up to a deadline; the result is one verdict per step, the last seen. A fake clock
 * and runner: what is under test is the loop, not kubectl (the box's deploy test runs it for real).
 */
import { verifyUntilSettled } from "../../engine/deploy";
import { StepResult, Verdict } from "../../engine/verify";

const result = (step: number, verdict: Verdict, evidence = `${verdict} seen`): StepResult => ({ step, title: `step ${step}`, verdict, evidence, commands: [] });

/** A runner whose step verdicts follow a script per call (the last entry repeats), recording what it was asked. */
function scripted(script: Record<number, Verdict[]>) {
  const asked: number[][] = [];
  const calls: Record<number, number> = {};
  const run = async (steps: number[]) => {
    asked.push(steps);
    // like verifyUpgrade: every step comes back, the ones not asked for as SKIP "not selected"
    return [1, 2, 3, 4, 5, 6, 7].map((s) => {
      if (!steps.includes(s)) return result(s, "SKIP", "not selected");
      const seq = script[s] ?? ["PASS"];
      const v = seq[Math.min(calls[s] ?? 0, seq.length - 1)];
      calls[s] = (calls[s] ?? 0) + 1;
      return result(s, v);
    });
  };
  return { run, asked };
}

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), slept: () => t };
}

describe("verifyUntilSettled", () => {
  it("all steps pass at once: one round, no wait, no progress line", async () => {
    const r = scripted({});
    const c = clock();
    const progress: string[] = [];
    const out = await verifyUntilSettled({ run: r.run, steps: [1, 2, 3, 4, 5, 6], settleSeconds: 180, progress: (l) => progress.push(l), now: c.now, sleep: c.sleep });
    expect(out.map((x) => `${x.step} ${x.verdict}`)).toEqual(["1 PASS", "2 PASS", "3 PASS", "4 PASS", "5 PASS", "6 PASS"]);
    expect(r.asked).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(c.slept()).toBe(0);
    expect(progress).toEqual([]);
  });

  it("a step that fails while the outpost rolls out is asked again, alone, until it passes; the others keep their PASS", async () => {
    const r = scripted({ 2: ["FAIL", "FAIL", "PASS"] });
    const c = clock();
    const progress: string[] = [];
    const out = await verifyUntilSettled({ run: r.run, steps: [1, 2, 3, 4, 5, 6], settleSeconds: 180, progress: (l) => progress.push(l), now: c.now, sleep: c.sleep });
    expect(out.map((x) => `${x.step} ${x.verdict}`)).toEqual(["1 PASS", "2 PASS", "3 PASS", "4 PASS", "5 PASS", "6 PASS"]);
    expect(r.asked).toEqual([[1, 2, 3, 4, 5, 6], [2], [2]]);
    expect(c.slept()).toBe(20000);
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatch(/^verify-upgrade: step\(s\) 2 not passing yet \(2: FAIL seen\); the cluster may still be settling, checking again in 10 s \(up to 180 s more\)$/);
  });

  it("a step that never passes: the last FAIL is the verdict once the next round would end past the deadline", async () => {
    const r = scripted({ 1: ["FAIL"], 6: ["ERROR", "PASS"] });
    const c = clock();
    const out = await verifyUntilSettled({ run: r.run, steps: [1, 2, 3, 4, 5, 6], settleSeconds: 35, progress: () => undefined, now: c.now, sleep: c.sleep });
    expect(out.map((x) => `${x.step} ${x.verdict}`)).toEqual(["1 FAIL", "2 PASS", "3 PASS", "4 PASS", "5 PASS", "6 PASS"]);
    // rounds at 0, 10, 20, 30 s; a fifth would end at 40 s > 35 s
    expect(r.asked).toEqual([[1, 2, 3, 4, 5, 6], [1, 6], [1], [1]]);
    expect(c.slept()).toBe(30000);
  });

  it("settleSeconds 0: one round and its verdict, no retry", async () => {
    const r = scripted({ 3: ["FAIL", "PASS"] });
    const c = clock();
    const out = await verifyUntilSettled({ run: r.run, steps: [1, 2, 3, 4, 5, 6], settleSeconds: 0, progress: () => undefined, now: c.now, sleep: c.sleep });
    expect(out.find((x) => x.step === 3)?.verdict).toBe("FAIL");
    expect(r.asked).toHaveLength(1);
  });

  it("SKIP counts as done (a step the config switches off) and results for steps not asked for are ignored", async () => {
    const r = scripted({ 4: ["SKIP"] });
    const c = clock();
    const out = await verifyUntilSettled({ run: r.run, steps: [1, 4], settleSeconds: 60, progress: () => undefined, now: c.now, sleep: c.sleep });
    expect(out.map((x) => `${x.step} ${x.verdict}`)).toEqual(["1 PASS", "4 SKIP"]);
    expect(r.asked).toEqual([[1, 4]]);
  });
});
