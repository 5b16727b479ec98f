// Four projects, run in order by `npm test`: fast unit tests (incl. real promtool, real RFC 6902,
// loopback HTTP), terraform validate against the real providers, the offline plan-to-zero proof, and the
// e2e tests in the rehearsal box (real control plane, PostgreSQL, the stack deployed with cdktf).
const common = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: true }] },
  moduleFileExtensions: ["ts", "js", "json"],
};
module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/__tests__/**/*.test.ts"], testPathIgnorePatterns: ["/__tests__/terraform/", "/__tests__/plan-to-zero/", "/__tests__/e2e/", "/__tests__/chart/"] },
    // real tools built from source and cached: terraform with the pinned providers, helm with the real chart
    { ...common, displayName: "terraform", testMatch: ["<rootDir>/__tests__/terraform/**/*.test.ts", "<rootDir>/__tests__/chart/**/*.test.ts"] },
    { ...common, displayName: "plan-to-zero", testMatch: ["<rootDir>/__tests__/plan-to-zero/**/*.test.ts"] },
    // the rehearsal box: a real control plane, PostgreSQL and the loopback services, one file at a time
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/__tests__/e2e/**/*.test.ts"] },
  ],
};
