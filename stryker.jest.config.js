// The tests Stryker runs against each mutant of guards/ and policy/: the guard tests (real stack, mutations)
// and the plan policy tests (small plans in `show -json` format). Type-checking is npm run typecheck's job,
// not this one's.
//
// STRYKER_TESTS narrows the set for a run over a few files: a comma-separated list of folders under
// __tests__ (`guards`, `policy`) or test files (`guards/identity-guards.test.ts`). Stryker's jest runner
// selects a mutant's tests by name, so jest loads every test file of the set for every mutant; a run over
// the identity guards needs only their two test files. A narrowed run can only under-count kills.
const only = (process.env.STRYKER_TESTS ?? "guards,policy").split(",").filter(Boolean);
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  testMatch: only.map((t) => (t.endsWith(".test.ts") ? `<rootDir>/__tests__/${t}` : `<rootDir>/__tests__/${t}/**/*.test.ts`)),
};
