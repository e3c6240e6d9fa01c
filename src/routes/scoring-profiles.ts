import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/router";
import { jsonBody, jsonContent, NameSchema, problemResponses, StenSchema } from "../lib/schemas";
import * as profiles from "../services/scoring-profiles";

const tags = ["Scoring profiles"];
const Weight = z.number().min(0).max(10);
const RuleSetting = z.strictObject({
  mode: z.enum(["hard", "soft", "off"]).optional(),
  penalty: z.number().min(0).max(1).optional(),
});
const RULE_IDS = ["R1", "R2", "R4", "R5", "R6", "R7", "R10", "R11", "R12", "KO"] as const;

const ProfilePatch = z
  .strictObject({
    name: NameSchema.optional(),
    note: z.string().trim().max(500).optional().openapi({ description: "Why this version is made." }),
    weights: z
      .strictObject({ fit: Weight, balance: Weight, skills: Weight, structure: Weight })
      .partial()
      .optional(),
    fit: z
      .strictObject({ scale: z.number().positive().max(100), leadingSeatWeight: Weight })
      .partial()
      .optional(),
    balance: z
      .strictObject({
        weights: z.strictObject({
          diversity: Weight,
          coverage: Weight,
          health: Weight,
          conflict: Weight,
          leadingPair: Weight,
        }),
        kernelBandwidth: z.number().positive().max(20),
        y1: z.strictObject({ low: z.number(), high: z.number() }),
        x1: z.strictObject({ low: z.number(), high: z.number() }),
        conflict: z.strictObject({
          dominance: StenSchema,
          vigilance: StenSchema,
          penaltyPerPair: z.number().min(0).max(1),
        }),
        leadingPair: z.strictObject({ dominant: StenSchema, weak: StenSchema }),
      })
      .partial()
      .optional(),
    skills: z
      .strictObject({
        teamRequired: z.array(z.string().trim().min(1).max(40)).max(31),
        minLevel: z.number().int().min(1).max(5),
      })
      .partial()
      .optional(),
    structure: z
      .strictObject({
        maxAverageAge: z.number().min(18).max(80),
        minUniversityShare: z.number().min(0).max(1),
        minWomen: z.number().int().min(0).max(40),
        minUnder45: z.number().int().min(0).max(40),
      })
      .partial()
      .optional(),
    rules: z
      .strictObject(
        Object.fromEntries(RULE_IDS.map((id) => [id, RuleSetting.optional()])) as Record<
          (typeof RULE_IDS)[number],
          z.ZodOptional<typeof RuleSetting>
        >,
      )
      .optional(),
    ruleParams: z
      .strictObject({
        postYears: z.number().positive().max(40),
        localityYears: z.number().positive().max(40),
        principalTerm: z.number().positive().max(20),
        deputyTerm: z.number().positive().max(20),
        minServiceYears: z.number().min(0).max(40),
        minGrassrootsYears: z.number().min(0).max(40),
        minEducation: z.enum(["high-school", "associate", "bachelor", "master", "doctorate"]),
        maxMovedShare: z.number().min(0).max(1),
      })
      .partial()
      .optional(),
  })
  .openapi("ScoringProfilePatch", {
    description:
      "Sections given are merged into the current profile; post profiles are edited through /v1/post-types.",
  });

const ProfileSchema = z
  .object({ version: z.number().int(), name: z.string(), asOfYear: z.number().int() })
  .catchall(z.unknown())
  .openapi("ScoringProfile", {
    description: "Weights, thresholds, post profiles and rule settings of one version.",
  });

const VersionParams = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: "version", in: "path" } }),
});

export const scoringProfileRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/scoring-profiles",
      tags,
      summary: "Versions of the scoring profile, newest first",
      responses: {
        200: jsonContent(
          z.object({
            items: z.array(
              z.object({
                version: z.number().int(),
                name: z.string(),
                note: z.string().nullable(),
                createdAt: z.string(),
              }),
            ),
            nextCursor: z.null(),
          }),
          "The versions",
        ),
      },
    }),
    async (c) => c.json({ items: await profiles.listProfiles(c.var.services), nextCursor: null }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/scoring-profiles/current",
      tags,
      summary: "The scoring profile in use",
      responses: { 200: jsonContent(ProfileSchema, "The current profile") },
    }),
    async (c) => c.json(await profiles.currentProfile(c.var.services), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/scoring-profiles/{version}",
      tags,
      summary: "One version of the scoring profile",
      request: { params: VersionParams },
      responses: { 200: jsonContent(ProfileSchema, "The profile"), ...problemResponses(404, 422) },
    }),
    async (c) => c.json(await profiles.getProfile(c.var.services, c.req.valid("param").version), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/scoring-profiles",
      tags,
      summary: "Edit the scoring profile: stores a new version",
      request: { body: jsonBody(ProfilePatch) },
      responses: {
        201: jsonContent(ProfileSchema, "The new version"),
        ...problemResponses(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const { note, ...patch } = c.req.valid("json");
      const version = await profiles.editProfile(c.var.services, patch, note);
      return c.json(await profiles.getProfile(c.var.services, version), 201);
    },
  );
