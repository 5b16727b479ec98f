export * from "./types";
export * from "./registry";
export * from "./inputs";
export * from "./aspect";
