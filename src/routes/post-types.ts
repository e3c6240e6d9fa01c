import { createRoute, z } from "@hono/zod-openapi";
import { RANKS } from "../../db/schema";
import { FACTORS } from "../../scoring/factors";
import { checkIfMatch, contentETag } from "../auth/etag";
import { pageQuery } from "../lib/pagination";
import { createRouter } from "../lib/router";
import {
  CodeParams,
  CodeSchema,
  jsonBody,
  jsonContent,
  listOf,
  NameSchema,
  problemResponses,
  StenSchema,
} from "../lib/schemas";
import * as postTypes from "../services/post-types";

const tags = ["Post types"];
const FactorCodeSchema = z.enum(FACTORS);
const SkillSchema = z.string().trim().min(1).max(40);

const FactorRange = z
  .strictObject({ min: StenSchema, max: StenSchema, weight: z.number().min(0).max(10) })
  .openapi("FactorRange", { description: "Ideal sten range for one factor and the weight of a deviation." });

const IdealProfileSchema = z
  .strictObject(
    Object.fromEntries(FACTORS.map((f) => [f, FactorRange.optional()])) as Record<
      (typeof FACTORS)[number],
      z.ZodOptional<typeof FactorRange>
    >,
  )
  .openapi("IdealProfile");

const KnockoutSchema = z
  .strictObject({ factor: FactorCodeSchema, op: z.enum(["lte", "gte"]), value: StenSchema })
  .openapi("Knockout", {
    description: "e.g. { factor: 'C', op: 'lte', value: 4 }: a C sten ≤ 4 rules a candidate out.",
  });

const PostTypeSchema = z
  .object({
    code: CodeSchema,
    name: z.string().openapi({ example: "县委书记" }),
    nameEn: z.string().openapi({ example: "County Party Secretary" }),
    leading: z.boolean().openapi({ description: "党政正职: scored as the leading pair." }),
    principal: z.boolean().openapi({ description: "正职 (true) or 副职 (false)." }),
    avoidance: z.boolean().openapi({ description: "Subject to regional avoidance (R1)." }),
    minRank: z.enum(RANKS).nullable(),
    sortOrder: z.number().int(),
    idealProfile: IdealProfileSchema.nullable(),
    knockouts: z.array(KnockoutSchema),
    requiredSkills: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("PostType");

const PostTypeCreate = z
  .strictObject({
    code: CodeSchema,
    name: NameSchema,
    nameEn: NameSchema,
    leading: z.boolean().optional(),
    principal: z.boolean().optional(),
    avoidance: z.boolean().optional(),
    minRank: z.enum(RANKS).nullable().optional(),
    sortOrder: z.number().int().min(0).max(10_000).optional(),
    idealProfile: IdealProfileSchema.nullable().optional(),
    knockouts: z.array(KnockoutSchema).max(32).optional(),
    requiredSkills: z.array(SkillSchema).max(32).optional(),
  })
  .openapi("PostTypeCreate");

const PostTypePatch = PostTypeCreate.omit({ code: true }).partial().openapi("PostTypePatch");

export const postTypeRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/post-types",
      tags,
      summary: "List post types (岗位)",
      request: { query: z.strictObject(pageQuery) },
      responses: {
        200: jsonContent(listOf(PostTypeSchema, "PostTypeList"), "A page of post types"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await postTypes.listPostTypes(c.var.services, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/post-types",
      tags,
      summary: "Create a post type",
      request: { body: jsonBody(PostTypeCreate) },
      responses: {
        201: jsonContent(PostTypeSchema, "Created"),
        ...problemResponses(400, 409, 413, 415, 422),
      },
    }),
    async (c) => c.json(await postTypes.createPostType(c.var.services, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/post-types/{code}",
      tags,
      summary: "Read a post type",
      request: { params: CodeParams },
      responses: { 200: jsonContent(PostTypeSchema, "The post type"), ...problemResponses(404, 422) },
    }),
    async (c) => {
      const postType = await postTypes.getPostType(c.var.services, c.req.valid("param").code);
      c.header("etag", await contentETag(postType));
      return c.json(postType, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/v1/post-types/{code}",
      tags,
      summary: "Update a post type",
      request: { params: CodeParams, body: jsonBody(PostTypePatch) },
      responses: {
        200: jsonContent(PostTypeSchema, "Updated"),
        ...problemResponses(400, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const { code } = c.req.valid("param");
      await checkIfMatch(c, async () => contentETag(await postTypes.getPostType(c.var.services, code)));
      const postType = await postTypes.updatePostType(c.var.services, code, c.req.valid("json"));
      c.header("etag", await contentETag(postType));
      return c.json(postType, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/post-types/{code}",
      tags,
      summary: "Delete a post type that no seat, cadre or preference uses",
      request: { params: CodeParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 409, 422) },
    }),
    async (c) => {
      const { code } = c.req.valid("param");
      await checkIfMatch(c, async () => contentETag(await postTypes.getPostType(c.var.services, code)));
      await postTypes.deletePostType(c.var.services, code);
      return c.body(null, 204);
    },
  );
