// Policy previews across instances: the candidate and the agents' answers, pruned a minute after the preview began.
import type { Db } from "./schema.js";

/** How long a preview's rows are kept: far longer than any wait for answers. */
export const PREVIEW_KEEP_MS = 60_000;

/**
 * Stores the candidate (JSON) and drops what is left of previews older than PREVIEW_KEEP_MS (the asking instance
 * deletes its preview's rows when it has read them; this catches an instance that stopped meanwhile).
 */
export async function savePreviewCandidate(db: Db, id: string, policy: string, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - PREVIEW_KEEP_MS).toISOString();
  await db
    .deleteFrom("policy_preview_answers")
    .where((eb) =>
      eb.or([
        eb("answered_at", "<", cutoff),
        eb("preview_id", "in", db.selectFrom("policy_previews").select("id").where("created_at", "<", cutoff)),
      ]),
    )
    .execute();
  await db.deleteFrom("policy_previews").where("created_at", "<", cutoff).execute();
  await db.insertInto("policy_previews").values({ id, policy, created_at: now.toISOString() }).execute();
}

export async function previewCandidate(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom("policy_previews").select("policy").where("id", "=", id).executeTakeFirst())?.policy;
}

/** An agent's answer, kept only while its preview is (a late one is dropped); a repeated one is dropped (the first counts). */
export async function savePreviewAnswer(db: Db, id: string, deviceId: string, answer: string, now: Date): Promise<void> {
  await db
    .insertInto("policy_preview_answers")
    .columns(["preview_id", "device_id", "answer", "answered_at"])
    .expression(
      db
        .selectFrom("policy_previews")
        .select((eb) => [
          eb.ref("id").as("preview_id"),
          eb.val(deviceId).as("device_id"),
          eb.val(answer).as("answer"),
          eb.val(now.toISOString()).as("answered_at"),
        ])
        .where("id", "=", id),
    )
    .onConflict((oc) => oc.columns(["preview_id", "device_id"]).doNothing())
    .execute();
}

/** The asking instance read the answers: the preview's rows go. */
export async function deletePreview(db: Db, id: string): Promise<void> {
  await db.deleteFrom("policy_preview_answers").where("preview_id", "=", id).execute();
  await db.deleteFrom("policy_previews").where("id", "=", id).execute();
}

export async function previewAnswers(db: Db, id: string): Promise<{ device_id: string; answer: string }[]> {
  return db.selectFrom("policy_preview_answers").select(["device_id", "answer"]).where("preview_id", "=", id).execute();
}
