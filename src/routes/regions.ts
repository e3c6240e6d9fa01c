import { createRoute, z } from "@hono/zod-openapi";
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
} from "../lib/schemas";
import * as regions from "../services/regions";

const tags = ["Regions"];
const Level = z.enum(["city", "county"]);

const RegionSchema = z
  .object({
    code: CodeSchema,
    name: z.string().openapi({ example: "浔阳县" }),
    nameEn: z.string().nullable(),
    level: Level,
    parent: CodeSchema.nullable().openapi({ description: "The city a county belongs to." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Region");

const RegionCreate = z
  .strictObject({
    code: CodeSchema,
    name: NameSchema,
    nameEn: NameSchema.nullable().optional(),
    level: Level,
    parent: CodeSchema.nullable().optional(),
  })
  .openapi("RegionCreate");

const RegionPatch = RegionCreate.omit({ code: true }).partial().openapi("RegionPatch");

export const regionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/regions",
      tags,
      summary: "List regions",
      request: {
        query: z.strictObject({ ...pageQuery, parent: CodeSchema.optional(), level: Level.optional() }),
      },
      responses: {
        200: jsonContent(listOf(RegionSchema, "RegionList"), "A page of regions"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await regions.listRegions(c.var.services, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/regions",
      tags,
      summary: "Create a region (the city or a county)",
      request: { body: jsonBody(RegionCreate) },
      responses: { 201: jsonContent(RegionSchema, "Created"), ...problemResponses(400, 409, 413, 415, 422) },
    }),
    async (c) => c.json(await regions.createRegion(c.var.services, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/regions/{code}",
      tags,
      summary: "Read a region",
      request: { params: CodeParams },
      responses: { 200: jsonContent(RegionSchema, "The region"), ...problemResponses(404, 422) },
    }),
    async (c) => c.json(await regions.getRegion(c.var.services, c.req.valid("param").code), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/v1/regions/{code}",
      tags,
      summary: "Update a region",
      request: { params: CodeParams, body: jsonBody(RegionPatch) },
      responses: { 200: jsonContent(RegionSchema, "Updated"), ...problemResponses(400, 404, 413, 415, 422) },
    }),
    async (c) =>
      c.json(await regions.updateRegion(c.var.services, c.req.valid("param").code, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/regions/{code}",
      tags,
      summary: "Delete a region that nothing refers to",
      request: { params: CodeParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 409, 422) },
    }),
    async (c) => {
      await regions.deleteRegion(c.var.services, c.req.valid("param").code);
      return c.body(null, 204);
    },
  );
