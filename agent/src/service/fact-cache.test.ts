import { describe, expect, it } from "vitest";
import { pass, type Policy, DEFAULT_POLICY } from "@wegroup/shared";
import { onEveryOs, type CheckDefinition } from "../checks/types.js";
import { fakeRunner } from "../testing/fake-runner.js";
import { withFactCache } from "./fact-cache.js";

function countingCheck() {
  let collections = 0;
  const collector = { sources: [], collect: async () => ({ n: ++collections }) };
  const definition: CheckDefinition<{ n: number }> = {
    id: "software",
    collectors: onEveryOs(collector),
    evaluate: (facts) => pass("software", `collection ${facts.n}`),
  };
  return { definition, collections: () => collections };
}

describe("withFactCache", () => {
  const runner = fakeRunner("linux", []);
  const policy: Policy = DEFAULT_POLICY;

  it("reuses the facts while the package databases are unchanged, and re-reads when one changes", async () => {
    const { definition, collections } = countingCheck();
    let stamp = "a";
    let clock = 0;
    const cached = withFactCache(
      definition,
      ["/var/lib/dpkg/status"],
      async () => stamp,
      () => clock,
      3_600_000,
    );
    await (await cached.collectors.linux()).collect(runner);
    await (await cached.collectors.linux()).collect(runner);
    expect(collections()).toBe(1);
    stamp = "b";
    const facts = await (await cached.collectors.linux()).collect(runner);
    expect(collections()).toBe(2);
    expect(cached.evaluate(facts, policy).reason).toBe("collection 2");
    clock = 3_600_001;
    await (await cached.collectors.linux()).collect(runner);
    expect(collections()).toBe(3);
  });

  it("leaves a check alone when there is nothing to fingerprint", () => {
    const { definition } = countingCheck();
    expect(
      withFactCache(
        definition,
        [],
        async () => "",
        () => 0,
        1,
      ),
    ).toBe(definition);
  });
});
