// The stored policy previews (candidate and answers) on SQLite and PostgreSQL: a repeated answer keeps the first,
// and the rows of a preview go a minute after it began.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import type { Store } from "../store/db.js";
import {
  deletePreview,
  PREVIEW_KEEP_MS,
  previewAnswers,
  previewCandidate,
  savePreviewAnswer,
  savePreviewCandidate,
} from "../store/previews.js";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

describe.each(TEST_DATABASES)("stored policy previews on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("keeps the candidate and the first answer of each device, and prunes a preview's rows after a minute", async () => {
    await savePreviewCandidate(store.db, "pv-old", '{"big":"candidate"}', T0);
    expect(await previewCandidate(store.db, "pv-old")).toBe('{"big":"candidate"}');
    await savePreviewAnswer(store.db, "pv-old", "dev-1", '{"first":true}', later(100));
    await savePreviewAnswer(store.db, "pv-old", "dev-1", '{"first":false}', later(200));
    await savePreviewAnswer(store.db, "pv-old", "dev-2", '{"other":true}', later(300));
    expect((await previewAnswers(store.db, "pv-old")).sort((x, y) => x.device_id.localeCompare(y.device_id))).toEqual([
      { device_id: "dev-1", answer: '{"first":true}' },
      { device_id: "dev-2", answer: '{"other":true}' },
    ]);

    // A preview within the minute prunes nothing; one after it drops the old preview and its answers.
    await savePreviewCandidate(store.db, "pv-mid", "{}", later(PREVIEW_KEEP_MS - 1));
    expect(await previewCandidate(store.db, "pv-old")).toBeDefined();
    await savePreviewCandidate(store.db, "pv-new", "{}", later(PREVIEW_KEEP_MS + 1));
    expect(await previewCandidate(store.db, "pv-old")).toBeUndefined();
    expect(await previewAnswers(store.db, "pv-old")).toEqual([]);
    expect(await previewCandidate(store.db, "pv-mid")).toBe("{}");
    expect(await previewCandidate(store.db, "pv-new")).toBe("{}");
  });

  it("drops an answer to a preview that is gone, and deletes a preview with its answers once read", async () => {
    await savePreviewAnswer(store.db, "pv-never", "dev-1", "{}", T0);
    expect(await previewAnswers(store.db, "pv-never")).toEqual([]);
    await savePreviewCandidate(store.db, "pv-read", "{}", later(PREVIEW_KEEP_MS + 2));
    await savePreviewAnswer(store.db, "pv-read", "dev-1", '{"a":1}', later(PREVIEW_KEEP_MS + 3));
    expect(await previewAnswers(store.db, "pv-read")).toHaveLength(1);
    await deletePreview(store.db, "pv-read");
    expect(await previewCandidate(store.db, "pv-read")).toBeUndefined();
    expect(await previewAnswers(store.db, "pv-read")).toEqual([]);
    await savePreviewAnswer(store.db, "pv-read", "dev-2", "{}", later(PREVIEW_KEEP_MS + 4));
    expect(await previewAnswers(store.db, "pv-read")).toEqual([]);
  });
});
