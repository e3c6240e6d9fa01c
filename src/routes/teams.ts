import { createRoute, z } from "@hono/zod-openapi";
import { TEAM_KINDS } from "../../db/schema";
import { expectedVersion, versionETag } from "../auth/etag";
import { pageQuery } from "../lib/pagination";
import { createRouter } from "../lib/router";
import {
  CodeSchema,
  IdParams,
  IdSchema,
  jsonBody,
  jsonContent,
  listOf,
  NameSchema,
  problemResponses,
} from "../lib/schemas";
import * as teams from "../services/teams";
import { MAX_POSITION, MAX_SEATS } from "../services/teams";

const tags = ["Teams"];

const SeatSchema = z
  .object({
    position: z.number().int(),
    post: CodeSchema,
    cadreId: IdSchema.nullable().openapi({ description: "null when the seat is vacant." }),
    locked: z.boolean().openapi({ description: "Locked seats are kept as they are by searches." }),
  })
  .openapi("Seat");

const SeatInput = z
  .strictObject({ post: CodeSchema, cadreId: IdSchema.nullable().optional(), locked: z.boolean().optional() })
  .openapi("SeatInput");

const TeamSchema = z
  .object({
    id: IdSchema,
    region: CodeSchema,
    name: z.string().nullable(),
    kind: z.enum(TEAM_KINDS).openapi({ description: "The current team, or a saved scenario." }),
    seats: z.array(SeatSchema),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Team");

const TeamCreate = z
  .strictObject({
    id: IdSchema.optional(),
    region: CodeSchema,
    name: NameSchema.nullable().optional(),
    kind: z.enum(TEAM_KINDS).optional(),
    seats: z.array(SeatInput).max(MAX_SEATS),
  })
  .openapi("TeamCreate");

const TeamPatch = TeamCreate.omit({ id: true })
  .partial()
  .openapi("TeamPatch", { description: "`seats`, when given, replaces every seat." });

// Not `z.coerce.number()`: it also accepts null (Number(null) is 0), so the OpenAPI document would
// call a path parameter optional and nullable, which is invalid OpenAPI.
const SeatParams = IdParams.extend({
  position: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,3})$/, "a seat position: a whole number from 0")
    .pipe(z.coerce.number<string>().int().max(MAX_POSITION))
    .openapi({ param: { name: "position", in: "path" }, type: "integer", minimum: 0, maximum: MAX_POSITION }),
});

export const teamRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/teams",
      tags,
      summary: "List teams, by region, kind or a member",
      request: {
        query: z.strictObject({
          ...pageQuery,
          region: CodeSchema.optional(),
          kind: z.enum(TEAM_KINDS).optional(),
          cadre: IdSchema.optional().openapi({ description: "Teams in which this cadre holds a seat." }),
        }),
      },
      responses: {
        200: jsonContent(listOf(TeamSchema, "TeamList"), "A page of teams"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await teams.listTeams(c.var.services, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/teams",
      tags,
      summary: "Create a team with its seats",
      request: { body: jsonBody(TeamCreate) },
      responses: { 201: jsonContent(TeamSchema, "Created"), ...problemResponses(400, 409, 413, 415, 422) },
    }),
    async (c) => c.json(await teams.createTeam(c.var.services, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/teams/{id}",
      tags,
      summary: "Read a team",
      request: { params: IdParams },
      responses: { 200: jsonContent(TeamSchema, "The team"), ...problemResponses(404, 422) },
    }),
    async (c) => {
      const team = await teams.getTeam(c.var.services, c.req.valid("param").id);
      c.header("etag", versionETag(team.version));
      return c.json(team, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/v1/teams/{id}",
      tags,
      summary: "Update a team",
      request: { params: IdParams, body: jsonBody(TeamPatch) },
      responses: { 200: jsonContent(TeamSchema, "Updated"), ...problemResponses(400, 404, 413, 415, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const team = await teams.updateTeam(c.var.services, id, c.req.valid("json"), expectedVersion(c));
      c.header("etag", versionETag(team.version));
      return c.json(team, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/teams/{id}",
      tags,
      summary: "Delete a team and its seats",
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
    }),
    async (c) => {
      await teams.deleteTeam(c.var.services, c.req.valid("param").id, expectedVersion(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/teams/{id}/seats",
      tags,
      summary: "A team's seats in order (all of them: a team has at most 40)",
      request: { params: IdParams },
      responses: {
        200: jsonContent(listOf(SeatSchema, "SeatList"), "The seats"),
        ...problemResponses(404, 422),
      },
    }),
    async (c) => {
      const team = await teams.getTeam(c.var.services, c.req.valid("param").id);
      c.header("etag", versionETag(team.version));
      return c.json({ items: team.seats, nextCursor: null }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/teams/{id}/seats",
      tags,
      summary: "Add a seat at the end (409 when the team already has the most seats allowed)",
      request: { params: IdParams, body: jsonBody(SeatInput) },
      responses: {
        201: jsonContent(SeatSchema, "Created"),
        ...problemResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { seat, version } = await teams.addSeat(
        c.var.services,
        id,
        c.req.valid("json"),
        expectedVersion(c),
      );
      c.header("etag", versionETag(version));
      return c.json(seat, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/teams/{id}/seats/{position}",
      tags,
      summary: "Read a seat",
      request: { params: SeatParams },
      responses: { 200: jsonContent(SeatSchema, "The seat"), ...problemResponses(404, 422) },
    }),
    async (c) => {
      const { id, position } = c.req.valid("param");
      const { seat, version } = await teams.getSeat(c.var.services, id, position);
      c.header("etag", versionETag(version));
      return c.json(seat, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/v1/teams/{id}/seats/{position}",
      tags,
      summary: "Change a seat's post, holder (null vacates it) or lock",
      request: { params: SeatParams, body: jsonBody(SeatInput.partial()) },
      responses: { 200: jsonContent(SeatSchema, "Updated"), ...problemResponses(400, 404, 413, 415, 422) },
    }),
    async (c) => {
      const { id, position } = c.req.valid("param");
      const patch = c.req.valid("json");
      const { seat, version } = await teams.updateSeat(
        c.var.services,
        id,
        position,
        patch,
        expectedVersion(c),
      );
      c.header("etag", versionETag(version));
      return c.json(seat, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/teams/{id}/seats/{position}",
      tags,
      summary: "Remove a seat",
      request: { params: SeatParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
    }),
    async (c) => {
      const { id, position } = c.req.valid("param");
      await teams.deleteSeat(c.var.services, id, position, expectedVersion(c));
      return c.body(null, 204);
    },
  );
