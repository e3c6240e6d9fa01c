import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, setCookie } from "hono/cookie";
import { TOKEN_ROLES } from "../../db/schema";
import { secureCookie } from "../auth/client";
import { CSRF_HEADER, SESSION_COOKIE } from "../auth/guard";
import { ApiError } from "../lib/problem";
import { createRouter } from "../lib/router";
import { jsonBody, jsonContent, problemResponses } from "../lib/schemas";
import * as tokens from "../services/tokens";

const tags = ["Session"];

const SessionSchema = z
  .object({
    tokenId: z.string(),
    role: z.enum(TOKEN_ROLES),
    via: z.enum(["token", "session"]),
  })
  .openapi("Session");

export const sessionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/session",
      tags,
      summary: "Log the web page in with a token: a session cookie and a CSRF token",
      description:
        `Sets the HttpOnly, SameSite=Strict cookie \`${SESSION_COOKIE}\` (Secure as configured: BANZI_PUBLIC_URL). Every ` +
        `request with the cookie that is not GET/HEAD/OPTIONS must send the returned \`csrfToken\` in \`${CSRF_HEADER}\`.`,
      request: {
        body: jsonBody(z.strictObject({ token: z.string().min(1).max(512) }).openapi("SessionCreate")),
      },
      responses: {
        201: jsonContent(
          SessionSchema.extend({ csrfToken: z.string(), expiresAt: z.string() }).openapi("SessionCreated"),
          "Logged in",
        ),
        ...problemResponses(400, 401, 413, 415, 422),
      },
    }),
    async (c) => {
      const { services } = c.var;
      const credentials = c.var.credentials;
      if (!credentials) throw new ApiError("unavailable", "Sessions are not available.");
      const token = await credentials.verifyToken(
        services.db,
        c.req.valid("json").token,
        services.clock.now(),
      );
      const session = await tokens.createSession(services, token);
      c.set("auth", { tokenId: token.id, role: token.role, via: "session", sessionId: session.id });
      setCookie(c, SESSION_COOKIE, session.cookie, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookie(c, c.var.config),
        path: "/",
        expires: new Date(session.expiresAt),
      });
      return c.json(
        {
          tokenId: token.id,
          role: token.role,
          via: "session" as const,
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt,
        },
        201,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/session",
      tags,
      summary: "Who the request's token or session is",
      responses: { 200: jsonContent(SessionSchema, "The caller"), ...problemResponses(401) },
    }),
    (c) => {
      const auth = c.var.auth;
      if (!auth) throw new ApiError("unauthorized", "No token or session.");
      return c.json({ tokenId: auth.tokenId, role: auth.role, via: auth.via }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/session",
      tags,
      summary: "Log out: end the session and clear its cookie",
      responses: { 204: { description: "Logged out" }, ...problemResponses(401, 403) },
    }),
    async (c) => {
      const auth = c.var.auth;
      if (auth?.sessionId) {
        await tokens.endSession(c.var.services, auth.sessionId);
        c.var.credentials?.forget();
      }
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookie(c, c.var.config) });
      return c.body(null, 204);
    },
  );
