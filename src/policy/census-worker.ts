/**
 * A worker thread of policyOfTraces: reads the parts of strace logs it is sent,
 * each into a census of its calls, and posts back the census and the part's end
 * (its deferred lines and pending calls, for stitching), and its bytes as read.
 */
import type { PartOptions, TracePart } from "../parse/trace-parts.js";
import { failedReply, PostedBytes, workerPort } from "../worker-thread.js";
import { readApart } from "./read-apart.js";
import type { PartTask, WorkerReply } from "./trace-census.js";

const port = workerPort("census-worker.js");

async function read(part: TracePart, options: PartOptions): Promise<WorkerReply> {
  const bytes = new PostedBytes(port);
  try {
    const result = await readApart(part, options, (count) => bytes.add(count));
    bytes.flush();
    return result;
  } catch (error) {
    return failedReply(error);
  }
}

port.on("message", (task: PartTask) => {
  void read(task.part, task.options).then((reply) => port.postMessage(reply));
});
