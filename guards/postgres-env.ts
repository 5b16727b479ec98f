/**
 * AK003 Postgres env. The standalone outpost needs AUTHENTIK_POSTGRESQL__{HOST,PORT,USER,PASSWORD,NAME}
 * to use the PostgreSQL session store, read from the Secret the Helm release uses as existingSecret.
 * Judged by the effect: after every deployment patch applies in order, the outpost container has each
 * of the five exactly once, from that Secret's key of the same name, and still has the controller's own
 * env (AUTHENTIK_HOST, AUTHENTIK_TOKEN...). A missing Helm release (so no Secret to read) is an error.
 */
import { OUTPOST_POSTGRES_ENV } from "../config";
import { lastOpAt, outpostContainer, outpostEffects } from "./read/outposts";
import { helmValues, resourcesOf } from "./read/stack-json";
import { Finding, Guard, finder, shown } from "./types";

const ID = "AK003";
const f = finder(ID);
const FIX = "Inject each of the five AUTHENTIK_POSTGRESQL__* variables once with appendEnvFromSecret(0, name, existingSecret) (path .../env/-), and no later op that removes or changes them.";

export const postgresEnvGuard: Guard = {
  id: ID,
  name: "postgres-env",
  protects: "the outpost's PostgreSQL session-store env from the release's existingSecret, judged after all patches",
  check: (ctx) => {
    const out: Finding[] = [];
    const release = resourcesOf(ctx.stack, "helm_release").find((r) => r.values.name === ctx.config.release.name);
    if (!release) {
      out.push(f("error", { address: "helm_release", attribute: "name", message: `the stack has no Helm release named '${ctx.config.release.name}'; authentik is not deployed and the outpost's PostgreSQL Secret is unknown`, expected: `a helm_release named ${ctx.config.release.name}`, actual: resourcesOf(ctx.stack, "helm_release").map((r) => r.values.name).join(", ") || "no helm_release", fix: "Keep the AuthentikRelease construct in the stack." }));
    }
    // (values the guards can't read are AK008's finding; then the Secret is unknown, not missing)
    const values = helmValues(ctx).find((h) => h.address === release?.address)?.values;
    const secret = values?.existingSecretName;
    if (values && !secret) {
      out.push(f("error", { address: release!.address, attribute: "values.authentik.existingSecret.secretName", message: "the release names no existingSecret, so the outpost's AUTHENTIK_POSTGRESQL__* have no Secret to read", expected: "the Secret the server pods use (live: goauthentik)", actual: "unset", fix: "Set authentik.existingSecret.secretName in the values file." }));
    }
    for (const o of outpostEffects(ctx.stack, ctx.config)) {
      const container = outpostContainer(o);
      // no outpost container (containers replaced, or it was renamed): the op responsible touched the list
      const at = container
        ? lastOpAt(o, "deployment", `/spec/template/spec/containers/${o.objects.deployment.spec.template.spec.containers.indexOf(container)}/env`)
        : lastOpAt(o, "deployment", "/spec/template/spec/containers");
      const env = container?.env;
      if (!Array.isArray(env)) {
        out.push(f("error", { address: o.address, attribute: at, message: "after the patches the outpost container's env is not a list; the controller's variables and the postgres ones are gone", expected: "the controller's env plus the five AUTHENTIK_POSTGRESQL__* appended", actual: shown(env).slice(0, 120), fix: FIX }));
        continue;
      }
      const before = o.objects.before.deployment.spec.template.spec.containers[0].env as any[];
      for (const e of before) {
        if (!env.some((x: any) => JSON.stringify(x) === JSON.stringify(e))) {
          out.push(f("error", { address: o.address, attribute: at, message: `after the patches the controller's ${e.name} is missing or changed; a patch replaced or edited the controller's env`, expected: shown(e), actual: shown(env.find((x: any) => x?.name === e.name)), fix: FIX }));
        }
      }
      for (const name of OUTPOST_POSTGRES_ENV) {
        const found = env.filter((x: any) => x?.name === name);
        if (found.length !== 1) {
          out.push(f("error", { address: o.address, attribute: at, message: found.length === 0 ? `after the patches ${name} is not set; the outpost falls back to the filesystem session store in /dev/shm` : `${name} is set ${found.length} times`, expected: `${name} once, from secretKeyRef`, actual: String(found.length), fix: FIX }));
          continue;
        }
        const e = found[0];
        if (e.value !== undefined) {
          out.push(f("error", { address: o.address, attribute: at, message: `${name} is a literal value; connection settings (the password among them) must come from the Secret`, expected: "valueFrom.secretKeyRef", actual: "a literal value", fix: FIX }));
          continue;
        }
        const ref = e.valueFrom?.secretKeyRef ?? {};
        if (secret && ref.name !== secret) {
          out.push(f("error", { address: o.address, attribute: at, message: `${name} reads Secret '${ref.name}', not the Secret the Helm release uses (authentik.existingSecret.secretName)`, expected: secret, actual: String(ref.name), fix: "Derive the Secret name from the values file's existingSecret." }));
        }
        if (ref.key !== name) {
          out.push(f("error", { address: o.address, attribute: at, message: `${name} reads key '${ref.key}'`, expected: name, actual: String(ref.key), fix: "The Secret's key equals the variable name." }));
        }
      }
      for (const e of env) {
        if (typeof e?.name === "string" && e.name.startsWith("AUTHENTIK_POSTGRESQL__") && !(OUTPOST_POSTGRES_ENV as readonly string[]).includes(e.name)) {
          out.push(f("error", { address: o.address, attribute: at, message: `unexpected postgres variable ${e.name}`, expected: OUTPOST_POSTGRES_ENV.join(", "), actual: e.name, fix: "Inject exactly the five connection variables." }));
        }
      }
    }
    return out;
  },
};
