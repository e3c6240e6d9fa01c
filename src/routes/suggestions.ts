import { createRoute, z } from "@hono/zod-openapi";
import { RANKS } from "../../db/schema";
import { pageQuery } from "../lib/pagination";
import { createRouter } from "../lib/router";
import {
  CodeSchema,
  IdParams,
  IdSchema,
  jsonBody,
  jsonContent,
  listOf,
  problemResponses,
} from "../lib/schemas";
import * as suggestions from "../services/suggestions";
import { StaleSchema } from "./stale.schema";

/** Who may be suggested (or moved, in an exchange plan): filters plus include, minus exclude. */
export const PoolSchema = z
  .strictObject({
    include: z.array(IdSchema).max(10_000).optional(),
    exclude: z.array(IdSchema).max(10_000).optional(),
    region: CodeSchema.optional().openapi({ description: "Current region of candidates." }),
    rank: z.enum(RANKS).optional(),
    reserve: z.boolean().optional(),
    skills: z
      .array(z.string().trim().min(1).max(40))
      .max(20)
      .optional()
      .openapi({ description: "All required." }),
  })
  .openapi("CandidatePool");

/** The seed of a search's random choices: the same seed and iteration budget give the same answer. */
export const SeedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

const tags = ["Suggestions"];
const TextSchema = z.object({ zh: z.string(), en: z.string() });

const SuggestionRequest = z
  .strictObject({
    teamId: IdSchema.optional().openapi({
      description: "A stored team: its holders stay, its vacant seats are filled.",
    }),
    team: z
      .strictObject({
        region: CodeSchema,
        seats: z
          .array(z.strictObject({ post: CodeSchema, cadreId: IdSchema.nullable().optional() }))
          .min(1)
          .max(40),
      })
      .optional()
      .openapi({ description: "A team given inline; a seat without `cadreId` is vacant." }),
    pool: PoolSchema.optional().openapi({
      description: "Candidates: the filters' matches (default: reserve cadres), plus include, minus exclude.",
    }),
    top: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "How many distinct suggestions (default 5)." }),
    seed: SeedSchema.optional(),
    budget: z
      .strictObject({
        iterations: z.number().int().min(1).max(50_000_000).optional(),
        milliseconds: z.number().int().min(1).max(20_000).optional(),
      })
      .optional()
      .openapi({ description: "Results are reproducible for a seed and an iteration budget." }),
    vacate: z.array(z.number().int().min(0).max(39)).max(40).optional().openapi({
      description:
        "Seats (0-based, as listed) whose holders are to be replaced, e.g. one who must leave under R4.",
    }),
    robustnessSamples: z.number().int().min(0).max(200).optional().openapi({
      description: "Worlds resampled with ±1 sten measurement error (default 20; 0 leaves robustness out).",
    }),
    async: z
      .boolean()
      .optional()
      .openapi({
        description:
          "Run as a job: `202` with the request's id, whose ranking `GET /v1/suggestions/{id}` shows when done. " +
          "A budget of more than 2,000 ms or 1,500,000 iterations runs as a job anyway.",
      }),
  })
  .refine((r) => (r.teamId === undefined) !== (r.team === undefined), {
    message: "give teamId or team, exactly one",
    path: ["teamId"],
  })
  .openapi("SuggestionRequest");

const SuggestionResultSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    status: z.enum(["optimal", "budget", "infeasible"]),
    method: z.enum(["exact", "heuristic"]),
    bound: z.number().nullable().openapi({ description: "Upper bound on any team not listed." }),
    profileVersion: z.number().int(),
    teamId: z.string().nullable(),
    region: z.string(),
    poolSize: z.number().int(),
    suggestions: z.array(
      z.object({
        rank: z.number().int(),
        score: z.number(),
        assignment: z.array(
          z.object({
            seat: z.number().int(),
            post: z.string(),
            cadreId: z.string().nullable(),
            filled: z.boolean(),
          }),
        ),
        components: z.record(z.string(), z.number()),
        violations: z.array(
          z.object({ rule: z.string(), severity: z.string(), message: TextSchema }).passthrough(),
        ),
      }),
    ),
    reasons: z.array(
      z
        .object({
          rule: z
            .enum(["R1", "R2", "R4", "R5", "R6", "R7", "R10", "R11", "R12", "KO", "pool", "combination"])
            .openapi({
              description:
                "A cadre rule; `pool` when the candidates are too few; `combination` when no single rule is to blame.",
            }),
          message: TextSchema,
        })
        .passthrough(),
    ),
    comparison: z
      .object({ scoreDelta: z.number(), summary: TextSchema })
      .passthrough()
      .nullable()
      .openapi({ description: "Why #1 beats #2: component deltas and the seats where they differ." }),
    robustness: z
      .array(
        z.object({
          rank: z.number().int(),
          stayShare: z.number(),
          firstShare: z.number(),
          meanRank: z.number(),
        }),
      )
      .nullable()
      .openapi({ description: "How often each suggestion stays in the top-M under ±1 sten re-measurement." }),
    createdAt: z.string(),
    stale: StaleSchema,
  })
  .openapi("SuggestionResult");

const SuggestionAccepted = z
  .object({ id: z.string(), jobId: z.string(), status: z.literal("queued") })
  .openapi("SuggestionAccepted");

const SuggestionPending = z
  .object({
    id: z.string(),
    jobId: z.string(),
    status: z.enum(["queued", "running", "failed"]),
    progress: z.object({ done: z.number().int(), total: z.number().int() }),
    error: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi("SuggestionPending", {
    description: "A request running as a job that has not stored its ranking yet (or whose job failed).",
  });

const SuggestionListItem = z
  .object({
    id: z.string(),
    teamId: z.string().nullable(),
    region: z.string(),
    version: z.number().int().openapi({ description: "The newest ranking's version." }),
    status: z.enum(["optimal", "budget", "infeasible"]),
    topScore: z.number().nullable().openapi({ description: "The best suggestion's score; null when none." }),
    suggestions: z.number().int(),
    createdAt: z.string(),
    rankedAt: z.string().openapi({ description: "When the newest ranking was stored." }),
    stale: StaleSchema,
  })
  .openapi("SuggestionListItem");

export const suggestionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/suggestions",
      tags,
      summary:
        "List saved suggestion requests, newest first, each with its newest ranking in brief and its stale marker",
      description:
        "Where staff find the saved requests that later writes made out of date (`stale`). Requests still running as a job are left out until their ranking is stored.",
      request: { query: z.strictObject({ ...pageQuery, teamId: IdSchema.optional() }) },
      responses: {
        200: jsonContent(listOf(SuggestionListItem, "SuggestionList"), "A page of saved requests"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await suggestions.listSuggestions(c.var.services, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/suggestions",
      tags,
      summary: "Suggest who should fill a team's vacancies: top-M distinct feasible teams",
      description:
        "Exact (branch and bound) where it can be proven, `status: optimal`; otherwise the best found within the budget, " +
        "`status: budget`; `status: infeasible` with reasons when no team satisfies the hard rules. Never suggests an infeasible team. " +
        "With `async: true`, or a budget longer than a request should wait, the request is checked at once and runs as a job " +
        "(kind `suggestion`): `202` with its id; the job stores the same ranking the direct answer would have given.",
      request: { body: jsonBody(SuggestionRequest) },
      responses: {
        201: jsonContent(SuggestionResultSchema, "Stored with its first ranking"),
        202: jsonContent(SuggestionAccepted, "Queued as a job; the id is the request's and the job's"),
        ...problemResponses(400, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const answer = await suggestions.postSuggestions(c.var.services, c.req.valid("json"));
      return answer.queued ? c.json(answer.accepted, 202) : c.json(answer.result, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/suggestions/{id}",
      tags,
      summary: "A stored suggestion request's current ranking (or, while it runs as a job, the job's status)",
      request: { params: IdParams },
      responses: {
        200: jsonContent(
          z.union([SuggestionResultSchema, SuggestionPending]),
          "The ranking; for a request running as a job, `status: queued | running` (or `failed`) until it is stored",
        ),
        ...problemResponses(404, 422),
      },
    }),
    async (c) => c.json(await suggestions.getSuggestions(c.var.services, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/suggestions/{id}/history",
      tags,
      summary: "Every ranking of a stored request, newest first, with what changed between versions",
      request: { params: IdParams },
      responses: {
        200: jsonContent(
          z.object({
            items: z.array(
              z.object({
                version: z.number().int(),
                status: z.string(),
                profileVersion: z.number().int().nullable(),
                jobId: z.string().nullable().openapi({
                  description: "The re-rank job that stored this version (null: the request itself).",
                }),
                diff: z
                  .object({
                    fromVersion: z.number().int(),
                    toVersion: z.number().int(),
                    moves: z.array(z.object({}).passthrough()),
                    entrants: z.array(z.object({}).passthrough()),
                    leavers: z.array(z.object({}).passthrough()),
                    largest: z.array(z.object({ text: TextSchema }).passthrough()),
                    summary: TextSchema,
                  })
                  .passthrough()
                  .nullable()
                  .openapi({
                    description:
                      "What changed from the previous version: rank moves, entrants, leavers, score deltas and the " +
                      "factors behind the largest changes, in Chinese and English (null for version 1).",
                  }),
                createdAt: z.string(),
                ranking: z.array(
                  z.object({
                    rank: z.number().int(),
                    score: z.number(),
                    cadreIds: z.array(z.string().nullable()),
                  }),
                ),
              }),
            ),
            nextCursor: z.null(),
            stale: StaleSchema.openapi({ description: "The newest version's stale marker (null: current)." }),
          }),
          "The versions",
        ),
        ...problemResponses(404, 422),
      },
    }),
    async (c) =>
      c.json(
        {
          ...(await suggestions.suggestionHistory(c.var.services, c.req.valid("param").id)),
          nextCursor: null,
        },
        200,
      ),
  );
