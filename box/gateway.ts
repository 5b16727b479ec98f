/**
 * The box's gateway to "the internet": an HTTP proxy on loopback (the HTTPS_PROXY the stack's tools use)
 * that accepts CONNECT only for the real host names the stack reaches and terminates TLS for them with
 * the box CA's certificate (SSL_CERT_FILE). Each host is answered by a loopback handler: the chart
 * repository, Vault KV v2, the authentik API stand-in, Cloudflare's DNS API stand-in, the protected
 * edge. The stack and the operator's commands keep the real URLs; nothing leaves the machine, and a
 * host that is not listed is refused (403), so an unexpected call fails loudly instead of leaking.
 */
import * as http from "http";
import * as https from "https";
import * as net from "net";

export interface GatewayRoutes {
  readonly [host: string]: http.RequestListener;
}

export function createGateway(o: { routes: GatewayRoutes; cert: Buffer; key: Buffer; log?: (s: string) => void }): http.Server {
  const tls = https.createServer({ cert: o.cert, key: o.key }, (req, res) => {
    const host = (req.headers.host ?? "").replace(/:443$/, "");
    const route = o.routes[host];
    if (!route) {
      res.statusCode = 421;
      res.end(`the box gateway has no route for ${host}\n`);
      return;
    }
    route(req, res);
  });
  const proxy = http.createServer((req, res) => {
    res.statusCode = 405;
    res.end("the box gateway only tunnels HTTPS (CONNECT)\n");
  });
  proxy.on("connect", (req, socket: net.Socket) => {
    const [host, port] = (req.url ?? "").split(":");
    if (!(host in o.routes) || port !== "443") {
      o.log?.(`gateway: refused CONNECT ${req.url}`);
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    tls.emit("connection", socket);
  });
  proxy.on("close", () => tls.close());
  return proxy;
}

/** A handler that forwards to an HTTP server on 127.0.0.1:port (the authentik API process). */
export function forwardTo(port: number): http.RequestListener {
  return (req, res) => {
    const up = http.request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", (e) => {
      res.statusCode = 502;
      res.end(`upstream 127.0.0.1:${port}: ${e.message}\n`);
    });
    req.pipe(up);
  };
}
