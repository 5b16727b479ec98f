export * from "./identity-layer";
export * from "./groups";
export * from "./enrollment-flow";
export * from "./policies";
