/** A real program run in the container; its stdout is the same on every run. */
export interface Workload {
  readonly name: string;
  readonly args: readonly string[];
  /** How strace is run inside the container (the held-out checks use several styles). */
  readonly straceStyle: readonly string[];
}

export const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: "1", PYTHONHASHSEED: "0" };

const THREADS = `
import hashlib, threading
results = [None] * 4
def work(i):
    digest = b"%d" % i
    for _ in range(2000):
        digest = hashlib.sha256(digest).digest()
    results[i] = digest.hex()[:16]
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("\\n".join(results))
`;

const HTTP = `
import http.server, threading, urllib.request
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hello " + self.path).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=server.serve_forever, daemon=True).start()
for path in ("/a", "/b"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (server.server_port, path)) as reply:
        print(reply.status, reply.read().decode())
server.shutdown()
`;

export const WORKLOADS: readonly Workload[] = [
  {
    name: "forking shell pipeline",
    args: ["sh", "-c", "seq 1 5000 | sort -rn | head -n 5 | tr '\\n' ' ' && echo && ls /usr/bin | grep -c '^py'"],
    straceStyle: ["-f"],
  },
  { name: "threaded python", args: ["python3", "-c", THREADS], straceStyle: ["-f", "-tt", "-T", "-y"] },
  { name: "http server and client on loopback", args: ["python3", "-c", HTTP], straceStyle: ["-ff"] },
];
