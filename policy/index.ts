export * from "./types";
export * from "./registry";
export * from "./plan-json";
export * from "./release-images";
export * from "./resource-classes";
