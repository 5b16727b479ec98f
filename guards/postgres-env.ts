/**
 * AK003 Postgres env. The standalone outpost needs AUTHENTIK_POSTGRESQL__{HOST,PORT,USER,PASSWORD,NAME}
 * to use the PostgreSQL session store; they are appended (env/-) from the Secret the Helm release uses
 * as existingSecret. Replacing env drops the controller's own variables; a literal leaks the password.
 */
import { OUTPOST_POSTGRES_ENV } from "../config";
import { outpostViews } from "./read/outposts";
import { helmValues } from "./read/stack-json";
import { Finding, Guard, finder } from "./types";

const ID = "AK003";
const f = finder(ID);
const ENV_PATH = /^\/spec\/template\/spec\/containers\/(\d+)\/env(\/.*)?$/;

export const postgresEnvGuard: Guard = {
  id: ID,
  name: "postgres-env",
  protects: "the outpost's PostgreSQL session-store env, appended from the release's existingSecret",
  check: (ctx) => {
    const secret = helmValues(ctx).map((h) => h.values?.existingSecretName).find((s) => s);
    return outpostViews(ctx.stack, ctx.config)
      .filter((o) => !o.configError)
      .flatMap((o) => {
        const attr = "config.kubernetes_json_patches.deployment";
        const out: Finding[] = [];
        const seen = new Map<string, number>();
        o.deploymentPatches.forEach((p, i) => {
          const m = ENV_PATH.exec(p?.path ?? "");
          if (!m) return;
          const a = `${attr}[${i}]`;
          if (m[2] !== "/-" || p.op !== "add") {
            out.push(f("error", { address: o.address, attribute: `${a}.path`, message: `env patch '${p.op} ${p.path}' does not append: it replaces or edits the controller's env (AUTHENTIK_HOST, AUTHENTIK_TOKEN...)`, expected: `add ${p.path.replace(/\/env(\/.*)?$/, "/env/-")}`, actual: `${p.op} ${p.path}`, fix: "Append each variable with appendEnvFromSecret() (path .../env/-)." }));
          }
          const entries = Array.isArray(p.value) ? p.value : [p.value];
          for (const e of entries) {
            const name = e?.name;
            if (typeof name !== "string" || !name.startsWith("AUTHENTIK_POSTGRESQL__")) continue;
            seen.set(name, (seen.get(name) ?? 0) + 1);
            if (!(OUTPOST_POSTGRES_ENV as readonly string[]).includes(name)) {
              out.push(f("error", { address: o.address, attribute: `${a}.value.name`, message: `unexpected postgres variable ${name}`, expected: OUTPOST_POSTGRES_ENV.join(", "), actual: name, fix: "Inject exactly the five connection variables." }));
            }
            if (e.value !== undefined) {
              out.push(f("error", { address: o.address, attribute: `${a}.value.value`, message: `${name} is a literal value; connection settings (the password among them) must come from the Secret`, expected: "valueFrom.secretKeyRef", actual: "a literal value", fix: "Use appendEnvFromSecret(0, name, existingSecret)." }));
              continue;
            }
            const ref = e.valueFrom?.secretKeyRef ?? {};
            if (secret && ref.name !== secret) {
              out.push(f("error", { address: o.address, attribute: `${a}.value.valueFrom.secretKeyRef.name`, message: `${name} reads Secret '${ref.name}', not the Secret the Helm release uses (authentik.existingSecret.secretName)`, expected: secret, actual: String(ref.name), fix: "Derive the Secret name from the values file's existingSecret." }));
            }
            if (ref.key !== name) {
              out.push(f("error", { address: o.address, attribute: `${a}.value.valueFrom.secretKeyRef.key`, message: `${name} reads key '${ref.key}'`, expected: name, actual: String(ref.key), fix: "The Secret's key equals the variable name." }));
            }
          }
        });
        for (const name of OUTPOST_POSTGRES_ENV) {
          const n = seen.get(name) ?? 0;
          if (n !== 1) {
            out.push(f("error", { address: o.address, attribute: attr, message: n === 0 ? `${name} is not injected; the outpost falls back to the filesystem session store in /dev/shm` : `${name} is injected ${n} times`, expected: `${name} once, from secretKeyRef`, actual: `${n}`, fix: "Inject each of the five AUTHENTIK_POSTGRESQL__* variables once with appendEnvFromSecret()." }));
          }
        }
        return out;
      });
  },
};
