export { startAuthentikApi } from "./server";
export type { AuthentikApiServer, StartOptions } from "./server";
export { AuthentikApiCore } from "./core";
export type { Change } from "./store";
