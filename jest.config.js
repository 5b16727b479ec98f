// Three projects, run in order by `npm test`: fast unit tests (incl. real promtool, real RFC 6902,
// loopback HTTP), terraform validate against the real providers, and the offline plan-to-zero proof.
const common = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: true }] },
  moduleFileExtensions: ["ts", "js", "json"],
};
module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/__tests__/**/*.test.ts"], testPathIgnorePatterns: ["/__tests__/terraform/", "/__tests__/plan-to-zero/"] },
    { ...common, displayName: "terraform", testMatch: ["<rootDir>/__tests__/terraform/**/*.test.ts"] },
    { ...common, displayName: "plan-to-zero", testMatch: ["<rootDir>/__tests__/plan-to-zero/**/*.test.ts"] },
  ],
};
