/** zod schemas of the scoring routes: the request and response contracts in the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import { EDUCATIONS, GENDERS, RANKS } from "../../db/schema";
import { FACTORS } from "../../scoring/factors";
import { CodeSchema, IdSchema, StensSchema } from "../lib/schemas";
import { MAX_SEATS } from "../services/teams";

/** At least 1,000 teams per call is the contract; 10,000 bounds the work of one request. */
export const MAX_TEAMS_PER_CALL = 10_000;
const Years = z.number().min(0).max(60);

export const MemberSchema = z
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

const Detail = z.enum(["summary", "full", "scores"]).openapi({
  description:
    "full: per-seat costliest factors, derived factors, temperaments, structure; summary: score, parts, violations, " +
    "per-seat fit; scores: score, parts and the rules broken (rule, severity, seat) without texts — for screening " +
    "thousands of teams, then asking `summary` or `full` for the few worth reading.",
});

const TeamRequest = z
  .strictObject({ region: CodeSchema, seats: z.array(SeatRequest).min(1).max(MAX_SEATS) })
  .openapi("ScoreTeamRequest");

export const OneTeamRequest = TeamRequest.extend({
  detail: Detail.optional().openapi({ description: "Default full for one team." }),
});
export const ManyTeamsRequest = z.strictObject({
  teams: z.array(TeamRequest).min(1).max(MAX_TEAMS_PER_CALL),
  detail: Detail.optional().openapi({ description: "Default summary for many teams." }),
});

export const AlternativesRequest = z
  .strictObject({
    region: CodeSchema,
    posts: z.array(CodeSchema).min(1).max(MAX_SEATS).openapi({ description: "The post of each seat." }),
    alternatives: z
      .array(z.array(IdSchema.nullable()).min(1).max(MAX_SEATS))
      .min(1)
      .max(MAX_TEAMS_PER_CALL)
      .openapi({
        description:
          "Each alternative team as the stored cadre in each seat, in the order of `posts` (null = vacant).",
      }),
    detail: Detail.optional().openapi({ description: "Default summary." }),
  })
  .superRefine((body, ctx) => {
    body.alternatives.forEach((team, t) => {
      if (team.length !== body.posts.length)
        ctx.addIssue({
          code: "custom",
          path: ["alternatives", t],
          message: `needs one entry per post (${body.posts.length}), has ${team.length}`,
        });
    });
  })
  .openapi("ScoreAlternativesRequest", {
    description:
      "Many alternative teams of one county with the same seats, each as a list of stored cadre ids: the " +
      "compact form for screening (the same answer as `teams` with one object per seat).",
  });

export const ScoreRequest = z
  .union([OneTeamRequest, ManyTeamsRequest, AlternativesRequest])
  .openapi("ScoreRequest");

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

const CompletableSchema = z
  .object({
    value: z.boolean().openapi({
      description: "False when a reason rules out every completion; true when none is found (not a proof).",
    }),
    pool: z.enum(["default", "any"]).openapi({
      description:
        "default: the candidate pool a suggestion for this team would use (stored reserve cadres, its holders " +
        "left out) — one team of stored cadres only; any: whoever might exist (teams with inline members, and " +
        "batches): false then means no pool could complete the team.",
    }),
    reasons: z.array(
      z.object({
        rule: z.string().openapi({ description: "A rule id, or `pool` when candidates are too few." }),
        seat: z.number().int().optional(),
        post: z.string().optional(),
        memberIds: z.array(z.string()),
        message: TextSchema,
      }),
    ),
  })
  .nullable()
  .openapi("Completable", {
    description:
      "For a team with vacancies: whether it can still be completed without breaking a hard rule, with the " +
      "suggestion search's reasons (present members breaking a hard rule, vacancies nobody may hold, too few " +
      "candidates, R10/R11 out of reach). null for a complete team (`feasible` says it all). `feasible` of a " +
      "team with vacancies speaks of the members present only.",
  });

export const TeamScoreSchema = z
  .object({
    score: z.number().openapi({ description: "In [0, 1]." }),
    feasible: z
      .boolean()
      .openapi({ description: "False when a hard rule is broken (the team is still scored)." }),
    completable: CompletableSchema,
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

export const TeamScoreSummarySchema = z
  .object({
    score: z.number(),
    feasible: z.boolean(),
    completable: CompletableSchema,
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

export const TeamScoreBriefSchema = z
  .object({
    score: z.number(),
    feasible: z.boolean(),
    completable: CompletableSchema,
    profileVersion: z.number().int(),
    components: ComponentsSchema,
    violations: z.array(
      z.object({
        rule: z.string(),
        severity: z.enum(["hard", "soft"]),
        seat: z.number().int().optional(),
      }),
    ),
  })
  .openapi("TeamScoreBrief");

export const BatchSchema = z
  .object({
    profileVersion: z.number().int(),
    results: z.array(z.union([TeamScoreSummarySchema, TeamScoreSchema, TeamScoreBriefSchema])),
  })
  .openapi("ScoreBatch");
