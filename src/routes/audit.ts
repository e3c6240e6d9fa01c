import { createRoute, z } from "@hono/zod-openapi";
import { pageQuery } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { jsonContent, problemResponses } from "../lib/schemas";
import * as audit from "../services/audit";

const tags = ["Audit"];

const Instant = z.iso.datetime({ offset: true }).or(z.iso.date());
const Word = z.string().min(1).max(100);

const AuditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.string().nullable().openapi({ description: "The token's id (null when none was valid)." }),
    actorRole: z.string().nullable(),
    action: z.string().openapi({ description: "read, create, update, delete, export, login, logout" }),
    objectType: z.string(),
    objectIds: z.array(z.string()),
    fields: z.array(z.string()).nullable().openapi({ description: "Field names only, never values." }),
    requestId: z.string().nullable(),
    outcome: z.enum(["success", "denied", "failed", "refused", "error"]),
  })
  .openapi("AuditEvent");

export const auditRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/v1/audit-events",
    tags,
    summary: "The audit trail (auditors), oldest first, filtered",
    request: {
      query: z.strictObject({
        ...pageQuery,
        actor: Word.optional().openapi({ description: "A token id." }),
        action: Word.optional(),
        objectType: Word.optional(),
        objectId: Word.optional(),
        outcome: z.enum(["success", "denied", "failed", "refused", "error"]).optional(),
        from: Instant.optional().openapi({ description: "From this instant (inclusive), ISO 8601." }),
        to: Instant.optional().openapi({ description: "Before this instant (exclusive), ISO 8601." }),
      }),
    },
    responses: {
      200: jsonContent(
        z
          .object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() })
          .openapi("AuditEventList"),
        "A page of events",
      ),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    await c.var.audit?.flush();
    const query = c.req.valid("query");
    const toIso = (v: string | undefined) => (v === undefined ? undefined : new Date(v).toISOString());
    return c.json(
      await audit.listAuditEvents(c.var.services, { ...query, from: toIso(query.from), to: toIso(query.to) }),
      200,
    );
  },
);
