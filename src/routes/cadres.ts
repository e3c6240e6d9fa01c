import { createRoute, z } from "@hono/zod-openapi";
import { EDUCATIONS, GENDERS, KIN_RELATIONS, RANKS } from "../../db/schema";
import { expectedVersion, versionETag } from "../auth/etag";
import { pageQuery } from "../lib/pagination";
import { createRouter } from "../lib/router";
import {
  CodeSchema,
  IdParams,
  IdSchema,
  IsoDateSchema,
  jsonBody,
  jsonContent,
  listOf,
  NameSchema,
  problemResponses,
  StensSchema,
} from "../lib/schemas";
import * as cadres from "../services/cadres";

const tags = ["Cadres"];
const Years = z.number().min(0).max(60);

const SkillSchema = z
  .strictObject({ skill: z.string().trim().min(1).max(40), level: z.number().int().min(1).max(5) })
  .openapi("Skill", { description: "A skill tag with a level 1 (basic) to 5 (expert)." });
const KinSchema = z
  .strictObject({ cadreId: IdSchema, relation: z.enum(KIN_RELATIONS) })
  .openapi("Kin", { description: "A kin link (R2); stored for both cadres." });
const PreferenceSchema = z.strictObject({ region: CodeSchema, post: CodeSchema }).openapi("Preference", {
  description: "One post preference (志愿); the list is ranked, first choice first.",
});

const CadreSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    gender: z.enum(GENDERS),
    birthYear: z.number().int(),
    education: z.enum(EDUCATIONS),
    birthRegion: CodeSchema.openapi({ description: "出生地" }),
    growthRegion: CodeSchema.openapi({ description: "成长地" }),
    currentRegion: CodeSchema.nullable(),
    currentPost: CodeSchema.nullable(),
    rank: z.enum(RANKS),
    reserve: z.boolean().openapi({ description: "后备干部" }),
    yearsInPost: z.number(),
    yearsInLocality: z.number(),
    lastPromotion: z.string().nullable(),
    serviceYears: z.number().nullable(),
    grassrootsYears: z.number().nullable(),
    skills: z.array(SkillSchema),
    kin: z.array(KinSchema),
    preferences: z.array(PreferenceSchema),
    assessment: z
      .object({ id: z.string(), takenOn: z.string(), stens: StensSchema })
      .nullable()
      .openapi({ description: "The current (newest) assessment, if any." }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Cadre");

const cadreFields = {
  name: NameSchema,
  gender: z.enum(GENDERS),
  birthYear: z.number().int().min(1940).max(2010),
  education: z.enum(EDUCATIONS),
  birthRegion: CodeSchema,
  growthRegion: CodeSchema,
  currentRegion: CodeSchema.nullable().optional(),
  currentPost: CodeSchema.nullable().optional(),
  rank: z.enum(RANKS),
  reserve: z.boolean().optional(),
  yearsInPost: Years.optional(),
  yearsInLocality: Years.optional(),
  lastPromotion: IsoDateSchema.nullable().optional(),
  serviceYears: Years.nullable().optional(),
  grassrootsYears: Years.nullable().optional(),
  skills: z.array(SkillSchema).max(50).optional(),
  kin: z.array(KinSchema).max(50).optional(),
  preferences: z.array(PreferenceSchema).max(200).optional(),
};

const CadreCreate = z
  .strictObject({
    id: IdSchema.optional().openapi({ description: "Generated when omitted." }),
    ...cadreFields,
  })
  .openapi("CadreCreate");
const CadrePatch = z.strictObject(cadreFields).partial().openapi("CadrePatch", {
  description: "Lists given here (skills, kin, preferences) replace the stored ones.",
});

/** Ids one list request may name (the page asks for a team's or a ranking's members at once). */
const MAX_LISTED_IDS = 200;

const CadreQuery = z.strictObject({
  ...pageQuery,
  region: CodeSchema.optional().openapi({ description: "Current region." }),
  rank: z.enum(RANKS).optional(),
  reserve: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  skill: z.string().trim().min(1).max(40).optional(),
  ids: z
    .string()
    .transform((v) => v.split(","))
    .pipe(z.array(IdSchema).min(1).max(MAX_LISTED_IDS))
    .optional()
    .openapi({
      type: "string",
      description: `Only these cadres: up to ${MAX_LISTED_IDS} ids separated by commas (unknown ids are left out).`,
    }),
  name: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .openapi({ description: "Only cadres whose name contains this text (as typed; % and _ are literal)." }),
});

export const cadreRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/cadres",
      tags,
      summary: "List cadres, filtered by current region, rank, reserve flag, skill, ids or name",
      request: { query: CadreQuery },
      responses: {
        200: jsonContent(listOf(CadreSchema, "CadreList"), "A page of cadres"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await cadres.listCadres(c.var.services, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/cadres",
      tags,
      summary: "Create a cadre",
      request: { body: jsonBody(CadreCreate) },
      responses: { 201: jsonContent(CadreSchema, "Created"), ...problemResponses(400, 409, 413, 415, 422) },
    }),
    async (c) => c.json(await cadres.createCadre(c.var.services, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/cadres/{id}",
      tags,
      summary: "Read a cadre",
      request: { params: IdParams },
      responses: { 200: jsonContent(CadreSchema, "The cadre"), ...problemResponses(404, 422) },
    }),
    async (c) => {
      const cadre = await cadres.getCadre(c.var.services, c.req.valid("param").id);
      c.header("etag", versionETag(cadre.version));
      return c.json(cadre, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/v1/cadres/{id}",
      tags,
      summary: "Update a cadre",
      request: { params: IdParams, body: jsonBody(CadrePatch) },
      responses: { 200: jsonContent(CadreSchema, "Updated"), ...problemResponses(400, 404, 413, 415, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const cadre = await cadres.updateCadre(c.var.services, id, c.req.valid("json"), expectedVersion(c));
      c.header("etag", versionETag(cadre.version));
      return c.json(cadre, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/cadres/{id}",
      tags,
      summary: "Delete a cadre (and their assessments) who holds no seat",
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 409, 422) },
    }),
    async (c) => {
      await cadres.deleteCadre(c.var.services, c.req.valid("param").id, expectedVersion(c));
      return c.body(null, 204);
    },
  );
