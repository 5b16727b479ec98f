/**
 * The box's throwaway PKI, made with openssl: one CA for everything; the API server's serving
 * certificate (127.0.0.1 and the first service IP); an admin client certificate (system:masters); the
 * service-account key pair; KWOK's kubelet serving certificate; and one certificate for the real host
 * names the stack reaches (chart repository, Vault, authentik, Cloudflare, the protected edge), which the
 * loopback gateway terminates. Private keys are 0600 files and never printed.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly saKey: string;
  readonly saPub: string;
  readonly kwokCert: string;
  readonly kwokKey: string;
  readonly gatewayCert: string;
  readonly gatewayKey: string;
}

export function pkiPaths(dir: string): Pki {
  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    ca: p("ca.pem"),
    caKey: p("ca.key"),
    apiserverCert: p("apiserver.pem"),
    apiserverKey: p("apiserver.key"),
    adminCert: p("admin.pem"),
    adminKey: p("admin.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
    kwokCert: p("kwok.pem"),
    kwokKey: p("kwok.key"),
    gatewayCert: p("gateway.pem"),
    gatewayKey: p("gateway.key"),
  };
}

/** Makes the PKI once; a later `box up` reuses it (the kubeconfig and trust bundle stay valid). */
export function ensurePki(dir: string, gatewayHosts: readonly string[]): Pki {
  const k = pkiPaths(dir);
  const hostsFile = path.join(dir, "gateway-hosts.txt");
  const hosts = [...gatewayHosts].sort().join("\n");
  if (fs.existsSync(k.gatewayCert) && fs.existsSync(hostsFile) && fs.readFileSync(hostsFile, "utf8") === hosts) return k;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  if (!fs.existsSync(k.ca)) {
    ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=authentik-stack box CA", "-keyout", k.caKey, "-out", k.ca]);
    ssl(["genrsa", "-out", k.saKey, "2048"]);
    ssl(["rsa", "-in", k.saKey, "-pubout", "-out", k.saPub]);
  }
  const leaf = (cert: string, key: string, subj: string, ext: string) => {
    const csr = `${cert}.csr`;
    const extFile = `${cert}.ext`;
    fs.writeFileSync(extFile, ext);
    ssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subj, "-keyout", key, "-out", csr]);
    ssl(["x509", "-req", "-in", csr, "-CA", k.ca, "-CAkey", k.caKey, "-CAcreateserial", "-days", "30", "-extfile", extFile, "-out", cert]);
    fs.rmSync(csr);
    fs.rmSync(extFile);
  };
  leaf(k.apiserverCert, k.apiserverKey, "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n");
  leaf(k.adminCert, k.adminKey, "/O=system:masters/CN=box-admin", "extendedKeyUsage=clientAuth\n");
  leaf(k.kwokCert, k.kwokKey, "/CN=kwok", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  leaf(k.gatewayCert, k.gatewayKey, "/CN=authentik-stack box gateway", `subjectAltName=${gatewayHosts.map((h) => `DNS:${h}`).join(",")}\nextendedKeyUsage=serverAuth\n`);
  for (const f of fs.readdirSync(dir)) if (f.endsWith(".key")) fs.chmodSync(path.join(dir, f), 0o600);
  fs.writeFileSync(hostsFile, hosts);
  return k;
}
