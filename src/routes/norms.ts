import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/router";
import { jsonBody, jsonContent, problemResponses } from "../lib/schemas";
import * as norms from "../services/norms";

const tags = ["Psychometrics"];
const NormCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  .openapi({ param: { name: "code", in: "path" } });

const NormSchema = z
  .object({
    code: z.string(),
    name: z.string().optional(),
    kind: z.enum(["cutoffs", "z"]),
    version: z.number().int(),
    builtin: z.boolean(),
    createdAt: z.string().nullable(),
  })
  .catchall(z.unknown())
  .openapi("Norm", {
    description: "The definition (`rawMax` and `cutoffs` or `factors`), its version and origin.",
  });

const NormDefinition = z.record(z.string(), z.unknown()).openapi("NormDefinition", {
  description:
    'Either `{ kind: "cutoffs", cutoffs: { A: [9 non-decreasing upper raw bounds of stens 1–9], … all 16 }, rawMax?, name? }` ' +
    'or `{ kind: "z", factors: { A: { mean, sd }, … all 16 }, rawMax?, sampleSize?, name? }`. Every problem is reported with its path.',
});

export const normRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/norms",
      tags,
      summary: "Norm tables for raw → sten conversion (built in and uploaded; newest versions)",
      responses: {
        200: jsonContent(z.object({ items: z.array(NormSchema), nextCursor: z.null() }), "The norms"),
      },
    }),
    async (c) => c.json({ items: await norms.listNorms(c.var.services), nextCursor: null }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/norms/{code}",
      tags,
      summary: "One norm (its newest version, or `?version=`)",
      request: {
        params: z.object({ code: NormCode }),
        query: z.strictObject({ version: z.coerce.number().int().min(1).optional() }),
      },
      responses: { 200: jsonContent(NormSchema, "The norm"), ...problemResponses(404, 422) },
    }),
    async (c) =>
      c.json(
        await norms.getNorm(c.var.services, c.req.valid("param").code, c.req.valid("query").version),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/v1/norms/{code}",
      tags,
      summary: "Upload a norm table; every upload is a new version of its code",
      request: { params: z.object({ code: NormCode }), body: jsonBody(NormDefinition) },
      responses: {
        200: jsonContent(NormSchema, "The stored version"),
        ...problemResponses(400, 409, 413, 415, 422),
      },
    }),
    async (c) =>
      c.json(await norms.putNorm(c.var.services, c.req.valid("param").code, c.req.valid("json")), 200),
  );
