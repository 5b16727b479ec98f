/**
 * The box's Kubernetes: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK (one
 * simulated node), all on 127.0.0.1, started from the binaries scripts/build-kube.sh caches. Flags and
 * pitfalls: ../shared/reference/local-control-plane.md (measured recipe).
 */
import * as fs from "fs";
import * as path from "path";
import { Kube } from "./kube";
import { KubeBinaries } from "./paths";
import { Pki } from "./pki";
import { ProcRecord, listening, startProc, waitFor } from "./procs";

export const NODE_NAME = "box-node-0";

export interface ControlPlanePorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly kwokServer: number;
}

export interface KwokMappings {
  /** KWOK ClusterLogs/ClusterExec documents (kwok.x-k8s.io/v1alpha1), appended to its config. */
  readonly documents: readonly object[];
  /** Folders put first on KWOK's PATH (commands `kubectl exec` runs are looked up there). */
  readonly path: readonly string[];
}

export function writeKubeconfig(file: string, server: string, pki: Pki): void {
  const text = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: box",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority: ${pki.ca}`,
    "contexts:",
    "- name: box",
    "  context: {cluster: box, user: box-admin}",
    "current-context: box",
    "users:",
    "- name: box-admin",
    "  user:",
    `    client-certificate: ${pki.adminCert}`,
    `    client-key: ${pki.adminKey}`,
    "",
  ].join("\n");
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/** Starts the control plane; resolves when the node is Ready. Progress through `say`. */
export async function startControlPlane(o: {
  dir: string;
  bins: KubeBinaries;
  pki: Pki;
  ports: ControlPlanePorts;
  kwok: KwokMappings;
  say: (s: string) => void;
  started: (p: ProcRecord) => void;
}): Promise<{ kubeconfig: string; server: string }> {
  const { dir, bins, pki, ports } = o;
  const logs = path.join(dir, "logs");
  fs.mkdirSync(logs, { recursive: true });
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfig = path.join(dir, "kubeconfig");
  writeKubeconfig(kubeconfig, server, pki);
  const kube = new Kube({ server, ca: pki.ca, cert: pki.adminCert, key: pki.adminKey }, 3000);

  const etcd = startProc({
    name: "etcd",
    cmd: bins.etcd,
    args: [
      "--name=box",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=box=http://127.0.0.1:${ports.etcdPeer}`,
      "--listen-metrics-urls=",
      "--quota-backend-bytes=1073741824",
      "--log-level=warn",
    ],
    log: path.join(logs, "etcd.log"),
    ports: [ports.etcdClient, ports.etcdPeer],
  });
  o.started(etcd);

  const apiserver = startProc({
    name: "kube-apiserver",
    cmd: bins.apiserver,
    args: [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.apiserver}`,
      `--tls-cert-file=${pki.apiserverCert}`,
      `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.ca}`,
      `--kubelet-certificate-authority=${pki.ca}`,
      `--kubelet-client-certificate=${pki.adminCert}`,
      `--kubelet-client-key=${pki.adminKey}`,
      "--kubelet-preferred-address-types=InternalIP",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--endpoint-reconciler-type=none",
      "--authorization-mode=Node,RBAC",
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--v=0",
    ],
    log: path.join(logs, "kube-apiserver.log"),
    ports: [ports.apiserver],
  });
  o.started(apiserver);
  o.say("control plane: etcd and kube-apiserver starting");
  await waitFor("kube-apiserver /readyz", async () => (await kube.request("GET", "/readyz").then(() => true)), 60000, apiserver);
  o.say("control plane: kube-apiserver ready");

  const common = [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0", "--profiling=false"];
  o.started(
    startProc({
      name: "kube-controller-manager",
      cmd: bins.controllerManager,
      args: [
        ...common,
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.ca}`,
        "--use-service-account-credentials=false",
        // the node is simulated: a late lease renewal on a loaded machine must not mark it Unknown, because
        // the node lifecycle controller then sets every pod's Ready to False and KWOK never sets it back
        // (the Service's endpoints stay not-ready for the rest of the run)
        "--node-monitor-grace-period=5m",
      ],
      log: path.join(logs, "kube-controller-manager.log"),
      ports: [],
    }),
  );
  o.started(startProc({ name: "kube-scheduler", cmd: bins.scheduler, args: common, log: path.join(logs, "kube-scheduler.log"), ports: [] }));

  const kwokConfig = path.join(dir, "kwok.yaml");
  const stages = fs.readFileSync(bins.kwokStages, "utf8");
  fs.writeFileSync(kwokConfig, [stages.trimEnd(), ...o.kwok.documents.map((d) => `---\n${JSON.stringify(d)}`)].join("\n") + "\n");
  const kwok = startProc({
    name: "kwok",
    cmd: bins.kwok,
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokConfig}`,
      "--manage-all-nodes=true",
      "--node-ip=127.0.0.1",
      // the kubelet API (logs, exec) is served on the server address: the node advertises that port
      `--node-port=${ports.kwokServer}`,
      `--server-address=127.0.0.1:${ports.kwokServer}`,
      `--tls-cert-file=${pki.kwokCert}`,
      `--tls-private-key-file=${pki.kwokKey}`,
      "--cidr=10.244.0.0/16",
      // renew a node Lease (kube-node-lease) every 10 s: without it the node's only heartbeat is the
      // heartbeat stage's status update every 10-20 minutes, and the node lifecycle controller marks the
      // node Unknown after its grace period, and with it every pod not Ready
      "--node-lease-duration-seconds=40",
    ],
    env: { ...process.env, PATH: [...o.kwok.path, process.env.PATH ?? "/usr/bin:/bin"].join(":") },
    log: path.join(logs, "kwok.log"),
    ports: [ports.kwokServer],
  });
  o.started(kwok);

  const node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: NODE_NAME,
      labels: { "kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" },
    },
    spec: { podCIDR: "10.244.0.0/24" },
  };
  if (!(await kube.find(`/api/v1/nodes/${NODE_NAME}`))) await kube.create("/api/v1/nodes", node);
  await waitFor(
    "node Ready",
    async () => {
      const n = await kube.get(`/api/v1/nodes/${NODE_NAME}`);
      return (n.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
    },
    60000,
    kwok,
  );
  // the node's addresses (what the API server dials for logs and exec) are not always set by KWOK's
  // initialize stage: write them once; its heartbeats keep them
  await kube.request("PATCH", `/api/v1/nodes/${NODE_NAME}/status`, { status: { addresses: [{ type: "InternalIP", address: "127.0.0.1" }, { type: "Hostname", address: NODE_NAME }] } }, "application/merge-patch+json");
  await waitFor("kwok kubelet API", () => listening(ports.kwokServer), 20000, kwok);
  // the default ServiceAccount appears asynchronously; pods in a new namespace wait for it anyway
  kube.close();
  o.say("control plane: node Ready");
  return { kubeconfig, server };
}
