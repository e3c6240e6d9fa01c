import { createRoute, z } from "@hono/zod-openapi";
import { EDUCATIONS, GENDERS, RANKS } from "../../db/schema";
import { FACTORS } from "../../scoring/factors";
import { ApiError } from "../lib/problem";
import { createRouter, fieldErrors } from "../lib/router";
import {
  CodeSchema,
  IdParams,
  IdSchema,
  jsonBody,
  jsonContent,
  problemResponses,
  StensSchema,
} from "../lib/schemas";
import * as scoring from "../services/scoring";

const tags = ["Scoring"];
/** At least 1,000 teams per call is the contract; 10,000 bounds the work of one request. */
export const MAX_TEAMS_PER_CALL = 10_000;
const MAX_SEATS = 40;
const Years = z.number().min(0).max(60);

const MemberSchema = z
  .strictObject({
    id: z.string().trim().min(1).max(64).optional().openapi({ description: "Defaults to seat-N." }),
    stens: StensSchema,
    birthRegion: CodeSchema.nullable().optional(),
    growthRegion: CodeSchema.nullable().optional(),
    currentRegion: CodeSchema.nullable().optional(),
    currentPost: CodeSchema.nullable().optional(),
    age: z.number().int().min(18).max(80).nullable().optional(),
    gender: z.enum(GENDERS).nullable().optional(),
    education: z.enum(EDUCATIONS).nullable().optional(),
    rank: z.enum(RANKS).nullable().optional(),
    skills: z
      .array(
        z.strictObject({ skill: z.string().trim().min(1).max(40), level: z.number().int().min(1).max(5) }),
      )
      .max(50)
      .optional(),
    yearsInPost: Years.nullable().optional(),
    yearsInLocality: Years.nullable().optional(),
    serviceYears: Years.nullable().optional(),
    grassrootsYears: Years.nullable().optional(),
    kin: z
      .array(z.string().trim().min(1).max(64))
      .max(50)
      .optional()
      .openapi({ description: "Ids of kin (R2)." }),
  })
  .openapi("InlineMember", { description: "A member given inline: stens and whichever facts are known." });

// One object with two optional holders rather than a union: zod checks it in one pass, and the
// error for a bad sten names the sten, not "no union member matched".
const SeatRequest = z
  .strictObject({
    post: CodeSchema,
    cadreId: IdSchema.nullable().optional(),
    member: MemberSchema.optional(),
  })
  .refine((seat) => !(seat.cadreId && seat.member), {
    message: "give cadreId or member, not both",
    path: ["member"],
  })
  .openapi("ScoreSeat", {
    description: "A stored cadre (`cadreId`), an inline `member`, or neither (vacant).",
  });

const Detail = z.enum(["summary", "full"]).openapi({
  description:
    "full: per-seat costliest factors, derived factors, temperaments, structure; summary: score, parts, violations, per-seat fit.",
});

const TeamRequest = z
  .strictObject({ region: CodeSchema, seats: z.array(SeatRequest).min(1).max(MAX_SEATS) })
  .openapi("ScoreTeamRequest");

const OneTeamRequest = TeamRequest.extend({
  detail: Detail.optional().openapi({ description: "Default full for one team." }),
});
const ManyTeamsRequest = z.strictObject({
  teams: z.array(TeamRequest).min(1).max(MAX_TEAMS_PER_CALL),
  detail: Detail.optional().openapi({ description: "Default summary for many teams." }),
});

const ScoreRequest = z.union([OneTeamRequest, ManyTeamsRequest]).openapi("ScoreRequest");

/**
 * Validation hook of `POST /v1/score`. zod reports a union that no branch matches as one
 * "Invalid input" at the root (`(body)`) unless exactly one branch fails softly, so a missing sten
 * or 10,001 teams would not be named. A failed body is checked again against the one shape it aims
 * at (many teams when it has `teams`), and that shape's issues become the 422's field errors.
 */
function scoreRequestHook(
  result: { target: string } & ({ success: true } | { success: false; error: z.ZodError }),
): undefined {
  if (result.success) return;
  // @hono/zod-validator passes the input as `data` on failure too; its types leave it out.
  const { data } = result as { data?: unknown };
  const shape =
    typeof data === "object" && data !== null && "teams" in data ? ManyTeamsRequest : OneTeamRequest;
  const checked = shape.safeParse(data);
  const errors = fieldErrors(checked.success ? result.error : checked.error, result.target);
  const first = errors[0];
  throw new ApiError(
    "validation_failed",
    first
      ? `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
      : "The request is not valid.",
    { errors },
  );
}

const TextSchema = z.object({ zh: z.string(), en: z.string() }).openapi("Text");
const ViolationSchema = z
  .object({
    rule: z.string(),
    severity: z.enum(["hard", "soft"]),
    seat: z.number().int().optional(),
    post: z.string().optional(),
    memberIds: z.array(z.string()),
    penalty: z.number(),
    message: TextSchema,
  })
  .openapi("Violation");
const ComponentsSchema = z
  .object({
    fit: z.number(),
    balance: z.number(),
    skills: z.number(),
    structure: z.number(),
    penalty: z.number(),
  })
  .openapi("ScoreComponents");

const TeamScoreSchema = z
  .object({
    score: z.number().openapi({ description: "In [0, 1]." }),
    feasible: z
      .boolean()
      .openapi({ description: "False when a hard rule is broken (the team is still scored)." }),
    profileVersion: z.number().int(),
    components: ComponentsSchema,
    balance: z.object({
      diversity: z.number(),
      coverage: z.number(),
      health: z.number(),
      conflict: z.number(),
      leadingPair: z.number().nullable(),
      temperaments: z.array(z.object({ code: z.string(), name: TextSchema, members: z.array(z.string()) })),
      conflictPairs: z.array(z.object({ factor: z.enum(["E", "L"]), members: z.array(z.string()) })),
    }),
    skills: z.object({ team: z.number(), seats: z.number(), missing: z.array(z.string()) }),
    structure: z.object({
      score: z.number(),
      averageAge: z.number().nullable(),
      universityShare: z.number().nullable(),
      women: z.number().nullable(),
      under45: z.number().nullable(),
    }),
    vacancies: z.number().int(),
    seats: z.array(
      z.object({
        seat: z.number().int(),
        post: z.string(),
        postName: TextSchema,
        memberId: z.string().nullable(),
        fit: z.number().nullable(),
        costliest: z.array(
          z.object({
            factor: z.enum(FACTORS),
            name: TextSchema,
            sten: z.number(),
            min: z.number(),
            max: z.number(),
            share: z.number(),
          }),
        ),
        derived: z.record(z.string(), z.number()).nullable(),
      }),
    ),
    violations: z.array(ViolationSchema),
    summary: TextSchema,
  })
  .openapi("TeamScore");

const TeamScoreSummarySchema = z
  .object({
    score: z.number(),
    feasible: z.boolean(),
    profileVersion: z.number().int(),
    components: ComponentsSchema,
    violations: z.array(ViolationSchema),
    seats: z.array(
      z.object({
        seat: z.number().int(),
        post: z.string(),
        memberId: z.string().nullable(),
        fit: z.number().nullable(),
      }),
    ),
  })
  .openapi("TeamScoreSummary");

const BatchSchema = z
  .object({
    profileVersion: z.number().int(),
    results: z.array(z.union([TeamScoreSummarySchema, TeamScoreSchema])),
  })
  .openapi("ScoreBatch");

export const scoringRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/score",
      tags,
      summary: "Score a proposed team, or up to 10,000 teams at once",
      description:
        "Person–post fit, trait balance, skills, structure and rule violations, with reasons in Chinese and English. " +
        "A team with a hard violation is infeasible but still scored.",
      request: { body: jsonBody(ScoreRequest) },
      responses: {
        200: {
          description: "The score (one team) or `{ profileVersion, results }` (many)",
          content: {
            "application/json": { schema: z.union([TeamScoreSchema, TeamScoreSummarySchema, BatchSchema]) },
          },
        },
        ...problemResponses(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      if ("teams" in body)
        return c.json(await scoring.scoreMany(c.var.services, body.teams, body.detail ?? "summary"), 200);
      const { detail, ...team } = body;
      return c.json(await scoring.scoreOne(c.var.services, team, detail ?? "full"), 200);
    },
    scoreRequestHook,
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/teams/{id}/score",
      tags,
      summary: "Score a stored team with its current members",
      request: { params: IdParams },
      responses: {
        200: jsonContent(TeamScoreSchema.extend({ teamId: z.string() }), "The team's score"),
        ...problemResponses(404, 422),
      },
    }),
    async (c) => c.json(await scoring.scoreStoredTeam(c.var.services, c.req.valid("param").id), 200),
  );
