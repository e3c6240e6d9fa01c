import { createRoute, z } from "@hono/zod-openapi";
import { guardStoredCadres } from "../auth/field-access";
import { ApiError } from "../lib/problem";
import { createRouter, fieldErrors } from "../lib/router";
import { IdParams, jsonBody, jsonContent, problemResponses } from "../lib/schemas";
import { readScoreBody, type ScoreBody } from "../lib/score-body";
import * as scoring from "../services/scoring";
import {
  AlternativesRequest,
  BatchSchema,
  MAX_TEAMS_PER_CALL,
  ManyTeamsRequest,
  OneTeamRequest,
  ScoreRequest,
  TeamScoreBriefSchema,
  TeamScoreSchema,
  TeamScoreSummarySchema,
} from "./scoring.schemas";
import { StaleSchema } from "./stale.schema";

const tags = ["Scoring"];

const scoreRoute = createRoute({
  method: "post",
  path: "/v1/score",
  tags,
  summary: "Score a proposed team, or up to 10,000 teams at once",
  description:
    "Person–post fit, trait balance, skills, structure and rule violations, with reasons in Chinese and English. " +
    "A team with a hard violation is infeasible but still scored. Many teams come as `{ teams }` (one object per " +
    "seat) or, for alternatives of one county, compactly as `{ region, posts, alternatives }` (cadre ids per team).",
  request: { body: jsonBody(ScoreRequest) },
  responses: {
    200: {
      description: "The score (one team) or `{ profileVersion, results }` (many)",
      content: {
        "application/json": {
          schema: z.union([TeamScoreSchema, TeamScoreSummarySchema, TeamScoreBriefSchema, BatchSchema]),
        },
      },
    },
    ...problemResponses(400, 413, 415, 422),
  },
});

/**
 * Reads and checks a score body: the fast structural check first, zod for anything it refuses. zod
 * reports a union that no branch matches as one "Invalid input" at the root, so a refused body is
 * checked against the one shape it aims at (many teams when it has `teams`), whose issues name the
 * fields.
 */
async function readBody(c: {
  req: { header(name: string): string | undefined; json(): Promise<unknown> };
}): Promise<ScoreBody> {
  const type = c.req.header("content-type");
  if (!type || !/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type))
    throw new ApiError("unsupported_media_type", "Send the body as application/json.", {
      field: "content-type",
    });
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw new ApiError("malformed_json", "The request body is not valid JSON.", { field: "(body)" });
  }
  const fast = readScoreBody(value, MAX_TEAMS_PER_CALL);
  if (fast) return fast;
  const shape =
    typeof value === "object" && value !== null && "alternatives" in value
      ? AlternativesRequest
      : typeof value === "object" && value !== null && "teams" in value
        ? ManyTeamsRequest
        : OneTeamRequest;
  const checked = shape.safeParse(value);
  if (checked.success) return checked.data as ScoreBody;
  const errors = fieldErrors(checked.error, "json");
  const first = errors[0];
  throw new ApiError(
    "validation_failed",
    first
      ? `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
      : "The request is not valid.",
    { errors },
  );
}

const router = createRouter();
// Registered by hand rather than with .openapi(): the generated validator would run zod's slower
// asynchronous parse on every body before readBody's fast check could.
router.openAPIRegistry.registerPath(scoreRoute);
router.post("/v1/score", async (c) => {
  const body = await readBody(c);
  guardStoredCadres(c, body);
  if ("alternatives" in body)
    return c.json(await scoring.scoreAlternatives(c.get("services"), body, body.detail ?? "summary"), 200);
  if ("teams" in body)
    return c.json(await scoring.scoreMany(c.get("services"), body.teams, body.detail ?? "summary"), 200);
  const { detail, ...team } = body;
  return c.json(await scoring.scoreOne(c.get("services"), team, detail ?? "full"), 200);
});

export const scoringRoutes = router.openapi(
  createRoute({
    method: "get",
    path: "/v1/teams/{id}/score",
    tags,
    summary: "Score a stored team with its current members",
    request: { params: IdParams },
    responses: {
      200: jsonContent(
        TeamScoreSchema.extend({
          teamId: z.string(),
          stored: z
            .object({
              version: z.number().int(),
              score: z.number(),
              feasible: z.boolean(),
              profileVersion: z.number().int().nullable(),
              createdAt: z.string(),
              stale: StaleSchema,
            })
            .nullable()
            .openapi({
              description:
                "The team's newest stored score (written by re-rank jobs; null before the first), with its stale marker.",
            }),
        }),
        "The team's score with its current members, and its newest stored score",
      ),
      ...problemResponses(404, 422),
    },
  }),
  async (c) => c.json(await scoring.scoreStoredTeam(c.var.services, c.req.valid("param").id), 200),
);
