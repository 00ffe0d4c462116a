/** collectGarbage is a real collection: what nothing references is gone once it is done. */
import { expect, test } from "vitest";
import { collectGarbage } from "../../src/parse/collect-garbage.js";

test("collects an object nothing references any more", async () => {
  let target: number[] | undefined = Array.from({ length: 1000 }, (_, i) => i);
  const ref = new WeakRef(target);
  target = undefined;
  // A WeakRef keeps its target for the rest of the job that made it.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await collectGarbage();
  expect(ref.deref()).toBeUndefined();
});
