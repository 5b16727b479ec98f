// The tests Stryker runs against each mutant of guards/ and policy/: the guard tests (real stack, mutations)
// and the plan policy tests (small plans in `show -json` format). Type-checking is npm run typecheck's job,
// not this one's. STRYKER_TESTS=guards|policy narrows the set for a run that mutates only one of the two
// folders (the dry run then skips the other folder's tests; coverage is per test either way).
const only = process.env.STRYKER_TESTS;
const folders = only ? [only] : ["guards", "policy"];
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  testMatch: folders.map((f) => `<rootDir>/__tests__/${f}/**/*.test.ts`),
};
