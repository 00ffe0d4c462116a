/**
 * A worker thread of policyOfTraces: reads the parts of strace logs it is sent,
 * each into a census of its calls, and posts back the census and the part's end
 * (its deferred lines and pending calls, for stitching), and its bytes as read.
 */
import { parentPort, type MessagePort } from "node:worker_threads";
import type { PartOptions, TracePart } from "../parse/trace-parts.js";
import { readApart } from "./read-apart.js";
import type { PartTask, WorkerReply } from "./trace-census.js";

function workerPort(): MessagePort {
  if (parentPort === null) throw new Error("census-worker.js runs as a worker thread");
  return parentPort;
}

const port = workerPort();

/** Bytes read are posted in steps of this many: a message per chunk read cost a tenth of a worker's time. */
const BYTES_STEP = 4 << 20;

async function read(part: TracePart, options: PartOptions): Promise<WorkerReply> {
  let unposted = 0;
  const post = () => {
    port.postMessage({ kind: "bytes", bytes: unposted } satisfies WorkerReply);
    unposted = 0;
  };
  try {
    const result = await readApart(part, options, (bytes) => {
      unposted += bytes;
      if (unposted >= BYTES_STEP) post();
    });
    if (unposted > 0) post();
    return result;
  } catch (error) {
    return { kind: "failed", message: error instanceof Error ? error.message : String(error), input: error instanceof Error && error.name === "InputError" };
  }
}

port.on("message", (task: PartTask) => {
  void read(task.part, task.options).then((reply) => port.postMessage(reply));
});
