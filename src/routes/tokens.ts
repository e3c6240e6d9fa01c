import { createRoute, z } from "@hono/zod-openapi";
import { TOKEN_ROLES } from "../../db/schema";
import { createRouter } from "../lib/router";
import { IdSchema, jsonBody, jsonContent, NameSchema, problemResponses } from "../lib/schemas";
import * as tokens from "../services/tokens";

const tags = ["Tokens"];

const TokenInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("TokenInfo", { description: "A token as listed: never the token or its hash." });

const TokenCreate = z
  .strictObject({
    role: z.enum(TOKEN_ROLES),
    name: NameSchema,
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi("TokenCreate");

export const tokenRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/tokens",
      tags,
      summary: "Create an API token (admin); the token is in this answer only",
      request: { body: jsonBody(TokenCreate) },
      responses: {
        201: jsonContent(
          TokenInfoSchema.extend({
            token: z.string().openapi({ description: "Shown once: only its SHA-256 is stored." }),
          }),
          "Created",
        ),
        ...problemResponses(400, 401, 403, 413, 415, 422),
      },
    }),
    async (c) =>
      c.json(
        await tokens.createToken(c.var.services, {
          ...c.req.valid("json"),
          createdBy: c.var.auth?.tokenId ?? null,
        }),
        201,
      ),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/tokens",
      tags,
      summary: "List tokens (admin), revoked and expired ones included",
      responses: {
        200: jsonContent(
          z.object({ items: z.array(TokenInfoSchema), nextCursor: z.null() }).openapi("TokenList"),
          "Every token",
        ),
        ...problemResponses(401, 403),
      },
    }),
    async (c) => c.json({ items: await tokens.listTokens(c.var.services), nextCursor: null }, 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/tokens/{id}",
      tags,
      summary: "Revoke a token (admin) and end its sessions",
      request: { params: z.object({ id: IdSchema.openapi({ param: { name: "id", in: "path" } }) }) },
      responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      await tokens.revokeToken(c.var.services, c.req.valid("param").id);
      c.var.credentials?.forget();
      return c.body(null, 204);
    },
  );
