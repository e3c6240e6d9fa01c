import { z } from "@hono/zod-openapi";
import { STALE_CODES } from "../services/staleness";

const TextSchema = z.object({ zh: z.string(), en: z.string() });

/** Why a saved result is out of date: a stable code, the ids involved, and a message naming people and teams. */
export const StaleReasonSchema = z
  .object({
    code: z.enum(STALE_CODES),
    at: z.string().openapi({ description: "When the change was written (the database's clock)." }),
    cadreId: z.string().optional(),
    kinId: z.string().optional(),
    relation: z.string().optional(),
    teamId: z.string().optional(),
    position: z.number().int().optional(),
    holders: z.object({ before: z.string().nullable(), after: z.string().nullable() }).optional(),
    fields: z.array(z.string()).optional(),
    skill: z.string().optional(),
    profileVersion: z.number().int().optional(),
    error: z.object({ code: z.string(), message: z.string(), jobId: z.string() }).optional(),
    message: TextSchema,
  })
  .openapi("StaleReason");

/** `stale` on a saved suggestion, exchange plan or stored team score; null when it is current. */
export const StaleSchema = z
  .object({
    since: z.string().openapi({ description: "When the first change that affects it was written." }),
    reasons: z.array(StaleReasonSchema),
    omitted: z.number().int().openapi({ description: "Further reasons not listed." }),
  })
  .nullable()
  .openapi("Stale", {
    description:
      "Null while the result is current. Otherwise what changed since it was computed (a write to an assessment, " +
      "a cadre, a kin link, a seat, a team or the scoring profile), or a re-rank that failed (`rerank_failed`). " +
      "A re-rank job is queued by the write itself; when it succeeds the new version reads `stale: null`.",
  });
