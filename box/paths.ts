/**
 * Where the rehearsal box keeps things. Binaries: the version-keyed cache scripts/build-kube.sh fills
 * (`$AUTHENTIK_STACK_CACHE`, default ~/.cache/authentik-stack). Runtime state (PKI, etcd and PostgreSQL
 * data, logs, PIDs): one folder per user, `$AUTHENTIK_STACK_BOX_DIR`, default
 * `<tmpdir>/authentik-stack-box-<uid>`, outside the home folder so a PostgreSQL run as an unprivileged
 * user (when the box runs as root) can reach its data folder.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageRoot } from "../config/paths";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.AUTHENTIK_STACK_CACHE ?? path.join(os.homedir(), ".cache", "authentik-stack");
}

export function boxDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.AUTHENTIK_STACK_BOX_DIR ?? path.join(os.tmpdir(), `authentik-stack-box-${process.getuid?.() ?? 0}`);
}

export interface KubeVersions {
  readonly kubernetes: string;
  readonly etcd: string;
  readonly kwok: string;
}

/** box/versions.env, the one place the versions are written (the build script sources it). */
export function kubeVersions(): KubeVersions {
  const text = fs.readFileSync(path.join(packageRoot(), "box", "versions.env"), "utf8");
  const v = Object.fromEntries(text.split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split("=", 2) as [string, string]));
  return { kubernetes: v.KUBERNETES_VERSION, etcd: v.ETCD_VERSION, kwok: v.KWOK_VERSION };
}

export interface KubeBinaries {
  readonly etcd: string;
  readonly apiserver: string;
  readonly controllerManager: string;
  readonly scheduler: string;
  readonly kwok: string;
  readonly kwokStages: string;
}

export function kubeBinaries(env: NodeJS.ProcessEnv = process.env): KubeBinaries {
  const v = kubeVersions();
  const k = path.join(cacheDir(env), "kube");
  return {
    etcd: path.join(k, `etcd-${v.etcd}`, "etcd"),
    apiserver: path.join(k, `kubernetes-${v.kubernetes}`, "kube-apiserver"),
    controllerManager: path.join(k, `kubernetes-${v.kubernetes}`, "kube-controller-manager"),
    scheduler: path.join(k, `kubernetes-${v.kubernetes}`, "kube-scheduler"),
    kwok: path.join(k, `kwok-${v.kwok}`, "kwok"),
    kwokStages: path.join(k, `kwok-${v.kwok}`, "stages.yaml"),
  };
}

/** Missing binaries, as paths (empty when the box can start). */
export function missingBinaries(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.values(kubeBinaries(env)).filter((p) => !fs.existsSync(p));
}

/** PostgreSQL's server binaries (Debian: /usr/lib/postgresql/<major>/bin), newest first; $PG_BIN wins. */
export function postgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PG_BIN) return env.PG_BIN;
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return undefined;
  const majors = fs.readdirSync(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => path.join(base, m, "bin")).find((d) => fs.existsSync(path.join(d, "postgres")));
}

/** kubectl for the box: the machine's, else the one scripts/build-kube.sh built (same version as the server). */
export function kubectlDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const onPath = (env.PATH ?? "").split(":").some((d) => d && fs.existsSync(path.join(d, "kubectl")));
  if (onPath) return undefined;
  const built = path.join(cacheDir(env), "kube", `kubernetes-${kubeVersions().kubernetes}`);
  return fs.existsSync(path.join(built, "kubectl")) ? built : undefined;
}
