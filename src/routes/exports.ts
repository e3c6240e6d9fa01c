import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/router";
import { CodeSchema, problemResponses } from "../lib/schemas";
import * as exports from "../services/exports";

export const exportRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/v1/exports/cadres.csv",
    tags: ["Cadres"],
    summary: "Every cadre as CSV (staff); cells that look like formulas are neutralised",
    request: {
      query: z.strictObject({ region: CodeSchema.optional().openapi({ description: "Current region." }) }),
    },
    responses: {
      200: {
        description: "UTF-8 CSV with a BOM, one header row",
        content: { "text/csv": { schema: z.string() } },
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { csv, ids } = await exports.exportCadresCsv(c.var.services, c.req.valid("query"));
    if (c.var.audit) c.var.audit.answered = { items: ids.map((id) => ({ id })) };
    return c.body(csv, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="cadres.csv"',
    });
  },
);
