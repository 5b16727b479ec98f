/** io/http: an overall deadline that holds against a slow-drip server (real HTTP on 127.0.0.1). */
import * as http from "http";
import { AddressInfo } from "net";
import { HttpError, request } from "../../io/http";

let server: http.Server;
let base: string;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/drip") {
      // headers at once, then one byte every 100 ms, forever: an idle timeout would never fire
      res.writeHead(200, { "content-type": "text/plain" });
      const t = setInterval(() => res.write("x"), 100);
      timers.add(t);
      res.on("close", () => clearInterval(t));
    } else if (req.url === "/silent") {
      // accepts the request, never answers
    } else if (req.url === "/redirect") {
      res.writeHead(302, { location: "https://auth.example.org/flow" }).end();
    } else if (req.url === "/big") {
      res.end("y".repeat(2000));
    } else {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => res.writeHead(201, { "x-method": req.method ?? "" }).end(`echo:${body}`));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("request", () => {
  it("returns status, headers and body", async () => {
    const r = await request(`${base}/echo`, { timeoutMs: 2000, method: "POST", body: "hi" });
    expect(r).toMatchObject({ status: 201, body: "echo:hi" });
    expect(r.headers["x-method"]).toBe("POST");
  });

  it("a slow-drip body fails at the overall deadline, not never", async () => {
    const started = Date.now();
    const e = await request(`${base}/drip`, { timeoutMs: 600 }).catch((x) => x);
    const took = Date.now() - started;
    expect(e).toBeInstanceOf(HttpError);
    expect(e.reason).toBe("timeout");
    expect(e.message).toBe("GET " + base + "/drip: no complete answer within 0.6s");
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2000);
  });

  it("a server that never answers fails at the deadline", async () => {
    await expect(request(`${base}/silent`, { timeoutMs: 300 })).rejects.toMatchObject({ reason: "timeout" });
  });

  it("does not follow redirects; readBody false returns status and headers only", async () => {
    const r = await request(`${base}/redirect`, { timeoutMs: 2000, readBody: false });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("https://auth.example.org/flow");
    expect(r.body).toBe("");
  });

  it("refuses a body over the cap, a refused connection, and a bad URL, each in one line", async () => {
    await expect(request(`${base}/big`, { timeoutMs: 2000, maxBodyBytes: 1000 })).rejects.toMatchObject({ reason: "too-large" });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(request(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 })).rejects.toMatchObject({ reason: "network", message: `GET http://127.0.0.1:${port}/: ECONNREFUSED` });
    await expect(request("not a url", { timeoutMs: 100 })).rejects.toMatchObject({ reason: "bad-url" });
    await expect(request("ftp://127.0.0.1/x", { timeoutMs: 100 })).rejects.toMatchObject({ reason: "bad-url" });
  });
});
