import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/router";
import { IdParams, IdSchema, jsonBody, jsonContent, problemResponses } from "../lib/schemas";
import * as plans from "../services/exchange-plans";
import { StaleSchema } from "./stale.schema";
import { PoolSchema, SeedSchema } from "./suggestions";

const tags = ["Exchange plans"];
const TextSchema = z.object({ zh: z.string(), en: z.string() });

const ExchangePlanRequest = z
  .strictObject({
    teamIds: z.array(IdSchema).min(1).max(50).openapi({ description: "Stored teams solved together." }),
    volunteers: z.array(IdSchema).max(500).optional().openapi({
      description: "Holders of these teams who volunteer to move: their seats become vacancies.",
    }),
    mustMove: z.boolean().optional().openapi({
      description:
        "Holders who must leave (R4 or another hard seat rule) or are due under R5 move too (default true).",
    }),
    pool: PoolSchema.optional().openapi({
      description:
        "Further movable cadres: the filters' matches (default: reserve cadres), plus include, minus exclude.",
    }),
    objective: z.enum(["sum", "maxmin"]).optional().openapi({
      description: "`sum` (default): the teams' total score; `maxmin`: the worst team as good as possible.",
    }),
    seed: SeedSchema.optional(),
    budget: z
      .strictObject({
        iterations: z.number().int().min(1).max(20_000_000).optional(),
        milliseconds: z.number().int().min(1).max(60_000).optional(),
      })
      .optional()
      .openapi({
        description:
          "How long to search: iterations and/or milliseconds, whichever ends first. Default: 1,000,000 iterations " +
          "but at most 4,000 ms (a plan within 5 s). Plans are reproducible for a seed and `iterations` given alone.",
      }),
    preferenceWeight: z.number().min(0).max(1).optional().openapi({
      description:
        "What a first choice is worth in score units (default 0.01): preferences are honoured where they cost little.",
    }),
  })
  .openapi("ExchangePlanRequest");

const Accepted = z
  .object({ id: z.string(), jobId: z.string(), status: z.literal("queued") })
  .openapi("ExchangePlanAccepted");

const PlanSchema = z
  .object({
    status: z.enum(["optimal", "budget", "infeasible"]),
    objective: z.enum(["sum", "maxmin"]),
    value: z.number(),
    objectiveValue: z.number(),
    totalScore: z.number(),
    worstScore: z.number(),
    profileVersion: z.number().int(),
    teams: z.array(
      z.object({
        teamId: z.string(),
        region: z.string(),
        score: z.number(),
        memberIds: z.array(z.string()),
        vacancies: z.array(z.number().int()),
        moved: z.number().int(),
        components: z.record(z.string(), z.number().nullable()),
      }),
    ),
    moves: z.array(
      z.object({
        memberId: z.string(),
        from: z.object({ region: z.string().nullable(), post: z.string().nullable() }),
        to: z.object({ teamId: z.string(), region: z.string(), seat: z.number().int(), post: z.string() }),
        moved: z.boolean(),
        preferenceRank: z.number().int().nullable(),
      }),
    ),
    unplaced: z.array(z.string()),
    preferences: z.object({
      withPreferences: z.number().int(),
      placed: z.number().int(),
      first: z.number().int(),
      top3: z.number().int(),
      firstShare: z.number(),
      top3Share: z.number(),
    }),
    firstFeasible: z.object({ iteration: z.number().int(), ms: z.number().nullable() }).nullable(),
    evaluated: z.number().int(),
    ms: z.number().nullable(),
    reasons: z.array(z.object({ rule: z.string(), message: TextSchema }).passthrough()).optional(),
  })
  .openapi("ExchangePlan");

const PlanView = z
  .object({
    id: z.string(),
    jobId: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    progress: z.object({ done: z.number().int(), total: z.number().int() }).openapi({
      description: "Thousandths of the budget spent while the search runs (total 1000).",
    }),
    plan: PlanSchema.nullable(),
    stale: StaleSchema,
    error: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ExchangePlanView");

export const exchangePlanRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/exchange-plans",
      tags,
      summary: "Plan an exchange round: fill several teams' vacancies from one movable pool (runs as a job)",
      description:
        "Checks the request, then queues a job of kind `exchange-plan`; its id is the plan's id. The plan never breaks a " +
        "hard rule and keeps R11 (not both leading principals of a county moved; at most a third of a team moved).",
      request: { body: jsonBody(ExchangePlanRequest) },
      responses: {
        202: jsonContent(Accepted, "Queued"),
        ...problemResponses(400, 404, 413, 415, 422),
      },
    }),
    async (c) => c.json(await plans.createExchangePlan(c.var.services, c.req.valid("json")), 202),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/exchange-plans/{id}",
      tags,
      summary: "An exchange plan: its job's status and progress, and the plan once done",
      request: { params: IdParams },
      responses: { 200: jsonContent(PlanView, "The plan"), ...problemResponses(404, 422) },
    }),
    async (c) => c.json(await plans.getExchangePlan(c.var.services, c.req.valid("param").id), 200),
  );
