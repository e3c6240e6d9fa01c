import { createRoute, z } from "@hono/zod-openapi";
import { getJob, jobReport } from "../jobs/view";
import { createRouter } from "../lib/router";
import { IdParams, jsonContent, problemResponses } from "../lib/schemas";

const tags = ["Jobs"];
const TextSchema = z.object({ zh: z.string(), en: z.string() });

export const JobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["import", "rerank", "suggestion", "exchange-plan"]),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    progress: z.object({ done: z.number().int(), total: z.number().int() }),
    result: z.unknown().optional().openapi({ description: "What the job produced (when it succeeded)." }),
    error: z.string().optional().openapi({ description: "Why it failed: `code: message`." }),
    attempts: z
      .number()
      .int()
      .openapi({ description: "Claims by a runner; more than 1 means it was interrupted and run again." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Job");

const ReportSchema = z
  .object({
    job: JobSchema,
    requests: z.array(
      z.object({
        requestId: z.string(),
        fromVersion: z.number().int(),
        version: z.number().int(),
        diff: z.object({ summary: TextSchema }).passthrough().openapi({
          description: "Rank moves, entrants, leavers, score deltas and the largest changes explained.",
        }),
      }),
    ),
    teams: z.array(
      z.object({
        teamId: z.string(),
        version: z.number().int(),
        score: z.number(),
        feasible: z.boolean(),
        diff: z.object({ summary: TextSchema }).passthrough().nullable(),
      }),
    ),
  })
  .openapi("JobReport");

export const jobRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/jobs/{id}",
      tags,
      summary: "A background job: status, progress (done/total), result or error",
      description:
        "Jobs (re-ranking after an import, exchange plans…) run in the background and survive restarts: a job " +
        "interrupted by a crash is run again from its start and commits all of its effects or none.",
      request: { params: IdParams },
      responses: { 200: jsonContent(JobSchema, "The job"), ...problemResponses(404, 422) },
    }),
    async (c) => c.json(await getJob(c.var.services.db, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/jobs/{id}/report",
      tags,
      summary: "What a job changed: each re-ranked request's diff and each re-scored team, bilingual",
      request: { params: IdParams },
      responses: { 200: jsonContent(ReportSchema, "The report"), ...problemResponses(404, 422) },
    }),
    async (c) => c.json(await jobReport(c.var.services.db, c.req.valid("param").id), 200),
  );
