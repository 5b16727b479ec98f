// The tests Stryker runs against each mutant of guards/: the guard tests (real stack, mutations), and the
// CLI and synth tests that go through the guards. Type-checking is npm run typecheck's job, not this one's.
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  testMatch: ["<rootDir>/__tests__/guards/**/*.test.ts"],
};
