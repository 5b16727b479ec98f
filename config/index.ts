/** The one source of truth: the typed config (defaults = today's live values), its validation, the names derived from it. */
export * from "./stack-config";
export * from "./defaults";
export * from "./validate";
export * from "./facts";
export * from "./derive";
export * from "./load";
