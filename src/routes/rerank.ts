import { createRoute, z } from "@hono/zod-openapi";
import { notifyJob } from "../jobs/enqueue";
import { createRouter } from "../lib/router";
import { IdSchema, jsonContent, problemResponses } from "../lib/schemas";
import { startRerank } from "../services/rerank";

const RerankRequest = z
  .strictObject({
    cadreIds: z
      .array(IdSchema)
      .min(1)
      .max(100_000)
      .optional()
      .openapi({
        description:
          "Cadres whose assessments changed: only the requests and teams they can affect are re-ranked. " +
          "Leave out to re-rank everything (e.g. after a scoring-profile edit).",
      }),
    reason: z.string().trim().min(1).max(200).optional().openapi({ description: "Why (kept with the job)." }),
  })
  .openapi("RerankRequest");

export const rerankRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/v1/rerank",
    tags: ["Jobs"],
    summary: "Re-rank saved suggestion requests and stored teams (a background job)",
    description:
      "Queues a re-rank job and answers at once with its id; follow it at `GET /v1/jobs/{id}`. New rankings are " +
      "stored as new versions beside the old (`GET /v1/suggestions/{id}/history`), with what changed.",
    request: { body: { required: false, content: { "application/json": { schema: RerankRequest } } } },
    responses: {
      202: jsonContent(z.object({ jobId: z.string(), status: z.literal("queued") }), "Queued"),
      ...problemResponses(400, 413, 415, 422),
    },
  }),
  async (c) => {
    const body = (c.req.header("content-type") ? c.req.valid("json") : {}) as z.infer<typeof RerankRequest>;
    const { services } = c.var;
    // Queued on the database handle itself: the runner is told right after the insert.
    const jobId = await startRerank({ ...services, jobs: undefined }, body);
    await notifyJob(services, jobId);
    c.header("location", `/v1/jobs/${jobId}`);
    return c.json({ jobId, status: "queued" as const }, 202);
  },
);
