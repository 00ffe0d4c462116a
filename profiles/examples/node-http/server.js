// An HTTP server that answers one request, then exits: a workload short enough to trace whole.
import { createServer } from "node:http";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8080);
const server = createServer((request, response) => {
  response.end(`hello from ${request.url}\n`);
  server.close();
});
server.listen(port, host, () => console.log(`listening on ${host}:${port}`));
