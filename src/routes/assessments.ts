import { createRoute, z } from "@hono/zod-openapi";
import { pageQuery } from "../lib/pagination";
import { createRouter } from "../lib/router";
import {
  IdSchema,
  IsoDateSchema,
  jsonBody,
  jsonContent,
  listOf,
  problemResponses,
  RawScoresSchema,
  StensSchema,
} from "../lib/schemas";
import * as assessments from "../services/assessments";

const tags = ["Assessments"];
const Instrument = z.string().trim().min(1).max(40);
const Norm = z.string().trim().min(1).max(64);

const AssessmentSchema = z
  .object({
    id: IdSchema,
    cadreId: IdSchema,
    instrument: z.string(),
    takenOn: z.string(),
    norm: z.string().nullable(),
    importBatchId: z.string().nullable(),
    stens: StensSchema,
    raw: RawScoresSchema.nullable(),
    createdAt: z.string(),
  })
  .openapi("Assessment");

const AssessmentCreate = z
  .strictObject({
    id: IdSchema.optional(),
    instrument: Instrument.optional().openapi({ description: "Default 16pf-cn-187." }),
    takenOn: IsoDateSchema,
    norm: Norm.optional().openapi({ description: "Norm for raw scores; default cn-16pf-187." }),
    stens: StensSchema.optional(),
    raw: RawScoresSchema.optional(),
  })
  .openapi("AssessmentCreate", {
    description: "Give stens, or raw scores (converted through the norm), or both.",
  });

const AssessmentPatch = AssessmentCreate.omit({ id: true }).partial().openapi("AssessmentPatch");

const CadreParams = z.object({ id: IdSchema.openapi({ param: { name: "id", in: "path" } }) });
const AssessmentParams = CadreParams.extend({
  assessmentId: IdSchema.openapi({ param: { name: "assessmentId", in: "path" } }),
});

export const assessmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/cadres/{id}/assessments",
      tags,
      summary: "A cadre's assessment history, newest (current) first",
      request: { params: CadreParams, query: z.strictObject(pageQuery) },
      responses: {
        200: jsonContent(listOf(AssessmentSchema, "AssessmentList"), "A page of assessments"),
        ...problemResponses(404, 422),
      },
    }),
    async (c) =>
      c.json(
        await assessments.listAssessments(c.var.services, c.req.valid("param").id, c.req.valid("query")),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/cadres/{id}/assessments",
      tags,
      summary: "Record a 16PF assessment of a cadre",
      request: { params: CadreParams, body: jsonBody(AssessmentCreate) },
      responses: {
        201: jsonContent(AssessmentSchema, "Created"),
        ...problemResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    async (c) =>
      c.json(
        await assessments.createAssessment(c.var.services, c.req.valid("param").id, c.req.valid("json")),
        201,
      ),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/cadres/{id}/assessments/{assessmentId}",
      tags,
      summary: "Read one assessment",
      request: { params: AssessmentParams },
      responses: { 200: jsonContent(AssessmentSchema, "The assessment"), ...problemResponses(404, 422) },
    }),
    async (c) => {
      const { id, assessmentId } = c.req.valid("param");
      return c.json(await assessments.getAssessment(c.var.services, id, assessmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/v1/cadres/{id}/assessments/{assessmentId}",
      tags,
      summary: "Correct an assessment (a new test round is a new assessment)",
      request: { params: AssessmentParams, body: jsonBody(AssessmentPatch) },
      responses: {
        200: jsonContent(AssessmentSchema, "Updated"),
        ...problemResponses(400, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const { id, assessmentId } = c.req.valid("param");
      return c.json(
        await assessments.updateAssessment(c.var.services, id, assessmentId, c.req.valid("json")),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/v1/cadres/{id}/assessments/{assessmentId}",
      tags,
      summary: "Delete an assessment entered by mistake",
      request: { params: AssessmentParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
    }),
    async (c) => {
      const { id, assessmentId } = c.req.valid("param");
      await assessments.deleteAssessment(c.var.services, id, assessmentId);
      return c.body(null, 204);
    },
  );
