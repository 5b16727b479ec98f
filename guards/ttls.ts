/**
 * AK009 TTLs. The catch-all proxy provider exists, and access_token_validity (proxy cookie Max-Age and proxy-session expiry) and session_duration
 * (authenticated session lifetime) must parse as authentik durations; their length in days is reported
 * because the upgrade check derives its expectation from it.
 */
import { DURATION_HELP, parseDuration } from "../lib/duration";
import { resourcesOf } from "./read/stack-json";
import { Finding, Guard, StackJson, finder } from "./types";

const ID = "AK009";
const f = finder(ID);
const ZERO = /^\s*[a-z]+=0+(\.0+)?\s*$/;

export interface TtlReport {
  readonly address: string;
  readonly attribute: string;
  readonly value: string;
  readonly days?: number;
  readonly error?: string;
}

/** Every TTL the stack sets, parsed. */
export function ttlReport(stack: StackJson): TtlReport[] {
  const items: Array<[string, string, unknown]> = [
    ...resourcesOf(stack, "authentik_provider_proxy").map((r) => [r.address, "access_token_validity", r.values.access_token_validity] as [string, string, unknown]),
    ...resourcesOf(stack, "authentik_stage_user_login").map((r) => [r.address, "session_duration", r.values.session_duration] as [string, string, unknown]),
  ];
  return items
    .filter(([, , v]) => v !== undefined)
    .map(([address, attribute, v]) => {
      // session_duration 0 is authentik's documented "until the browser closes" (its default, e.g. on
      // the enrollment login stage); a zero cookie lifetime (access_token_validity) stays an error
      if (attribute === "session_duration" && ZERO.test(String(v))) return { address, attribute, value: String(v), days: 0 };
      const r = parseDuration(String(v));
      return "error" in r ? { address, attribute, value: String(v), error: r.error } : { address, attribute, value: String(v), days: r.seconds / 86400 };
    });
}

export const ttlGuard: Guard = {
  id: ID,
  name: "ttls",
  protects: "session and proxy-cookie lifetimes parsing as authentik durations",
  check: ({ stack, config }) => {
    const out: Finding[] = [];
    const catchAll = `authentik_provider_proxy.${config.catchAll.resourceName}`;
    if (!resourcesOf(stack, "authentik_provider_proxy").some((r) => r.address === catchAll)) {
      out.push(f("error", { address: catchAll, attribute: "access_token_validity", message: "the stack has no catch-all proxy provider; its cookie/session lifetime and the outpost's provider are unmanaged", expected: `${catchAll} with access_token_validity ${config.catchAll.accessTokenValidity}`, actual: "absent", fix: "Keep the catch-all ProxyApplication in the stack (config.catchAll)." }));
    }
    for (const t of ttlReport(stack).filter((x) => x.error)) {
      out.push(f("error", { address: t.address, attribute: t.attribute, message: `'${t.value}' is not an authentik duration (${t.error}); authentik rejects it and the provider keeps the old lifetime`, expected: DURATION_HELP, actual: t.value, fix: "Set a valid duration in the stack config (e.g. weeks=4)." }));
    }
    return out;
  },
};
