import { createRoute, z } from "@hono/zod-openapi";
import { APPRAISAL_GRADES, PLACEMENT_SOURCES } from "../../db/schema";
import { pageQuery } from "../lib/pagination";
import { ApiError } from "../lib/problem";
import { type AppEnv, createRouter } from "../lib/router";
import {
  CodeSchema,
  IdParams,
  IdSchema,
  IsoDateSchema,
  jsonBody,
  jsonContent,
  listOf,
  problemResponses,
} from "../lib/schemas";
import { importOutcomes, type OutcomeSource } from "../services/outcome-import";
import { acceptSuggestion, carryOutPlan } from "../services/placement-sources";
import * as placements from "../services/placements";
import { followUp, validityReportView } from "../services/validity";

const tags = ["Follow-up"];
const TextSchema = z.object({ zh: z.string(), en: z.string() });

const PlacementSchema = z
  .object({
    id: z.string(),
    cadreId: IdSchema,
    teamId: z.string().nullable(),
    region: CodeSchema,
    post: CodeSchema,
    placedOn: z.string(),
    source: z.enum(PLACEMENT_SOURCES),
    sourceId: z.string().nullable().openapi({ description: "The suggestion request or exchange plan." }),
    fit: z.number().openapi({ description: "Person–post fit in [0, 1] when placed." }),
    teamScore: z.number().openapi({ description: "The team's score when placed." }),
    components: z.record(z.string(), z.unknown()),
    profileVersion: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Placement");

const OutcomeSchema = z
  .object({
    year: z.number().int(),
    grade: z.enum(APPRAISAL_GRADES),
    label: TextSchema.openapi({ description: "优秀 / excellent …" }),
    notes: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
  })
  .openapi("PlacementOutcome");

const PlacementWithOutcomes = PlacementSchema.extend({ outcomes: z.array(OutcomeSchema) }).openapi(
  "PlacementWithOutcomes",
);

const CarriedOutSchema = z
  .object({
    source: z.enum(["suggestion", "exchange-plan"]),
    sourceId: z.string(),
    rank: z.number().int().optional(),
    appliedTeams: z.array(z.string()).openapi({ description: "Teams whose seats were set." }),
    vacated: z
      .array(
        z.object({ teamId: z.string(), position: z.number().int(), post: z.string(), cadreId: z.string() }),
      )
      .openapi({
        description:
          "Seats elsewhere the seated cadres held and left (a cadre holds one post): emptied with the same change.",
      }),
    placements: z.array(PlacementSchema),
  })
  .openapi("CarriedOut");

const AcceptBody = z
  .strictObject({
    rank: z.number().int().min(1).max(100).openapi({ description: "The rank of the accepted suggestion." }),
    placedOn: IsoDateSchema.optional().openapi({ description: "Default: today." }),
    apply: z.boolean().optional().openapi({
      description: "For a stored team: set the filled seats on it (default true) in the same transaction.",
    }),
  })
  .openapi("AcceptSuggestion");

const CarryOutBody = z
  .strictObject({
    placedOn: IsoDateSchema.optional().openapi({ description: "Default: today." }),
    apply: z
      .boolean()
      .optional()
      .openapi({ description: "Set the planned seats on the teams (default true)." }),
  })
  .openapi("CarryOutPlan");

const ManualPlacement = z
  .strictObject({
    cadreId: IdSchema,
    region: CodeSchema,
    post: CodeSchema,
    placedOn: IsoDateSchema,
    teamId: IdSchema.optional().openapi({
      description: "The team the seat belongs to (default: the region's current team, if it has one).",
    }),
  })
  .openapi("ManualPlacement");

const NotesSchema = z
  .union([z.string().max(2000), z.record(z.string(), z.unknown())])
  .nullable()
  .optional()
  .openapi({ description: "Follow-up notes: free text, or an object of structured notes." });

const OutcomeBody = z
  .strictObject({
    year: z.number().int().min(1950).max(2200),
    grade: z.string().min(1).max(40).openapi({
      description:
        "优秀 / 称职 / 基本称职 / 不称职, or excellent / competent / basically-competent / incompetent.",
      example: "称职",
    }),
    notes: NotesSchema,
  })
  .openapi("PlacementOutcomeInput");

const ImportIssueSchema = z.object({
  line: z.number().int(),
  column: z.string().optional(),
  code: z.string(),
  message: z.string(),
  field: z.string(),
});

const OutcomeImportSummary = z
  .object({
    dryRun: z.boolean(),
    format: z.enum(["csv", "json"]),
    encoding: z.enum(["utf-8", "utf-8-bom", "gb18030"]).nullable(),
    rows: z.number().int(),
    created: z.number().int(),
    skipped: z.number().int().openapi({ description: "Rows already stored with the same grade." }),
    ignoredColumns: z.array(z.string()),
    errorCount: z.number().int(),
    errors: z.array(ImportIssueSchema),
  })
  .openapi("OutcomeImportSummary");

const OutcomeImportJson = z
  .strictObject({ rows: z.array(z.record(z.string(), z.unknown())).min(1).max(50_000) })
  .openapi("OutcomeImportJson");

const csvBody = { schema: z.string().openapi({ format: "binary" }) };
const CSV_TYPES = ["text/csv", "application/csv", "text/plain"] as const;

const Interval = z.object({ low: z.number(), high: z.number() });
const Proportion = z.object({
  count: z.number().int(),
  n: z.number().int(),
  share: z.number().nullable(),
  ci: Interval.nullable().openapi({ description: "Wilson score interval, 95 %." }),
});
const CorrelationSchema = z
  .object({
    n: z.number().int(),
    rho: z.number().nullable().openapi({ description: "Spearman's ρ (average ranks for ties)." }),
    ci: Interval.nullable().openapi({
      description: "95 %, Fisher z with SE √(1.06/(n−3)) (Fieller, Hartley & Pearson 1957).",
    }),
    verdict: z.enum(["relation", "no-relation", "too-few"]),
    direction: z.enum(["positive", "negative"]).nullable(),
  })
  .openapi("RankCorrelation");
const Figures = {
  n: z.number().int(),
  fitGrade: CorrelationSchema,
  teamScoreGrade: CorrelationSchema,
  quartiles: z.array(
    z.object({
      quartile: z.number().int(),
      n: z.number().int(),
      fitRange: Interval.nullable(),
      excellent: Proportion.openapi({ description: "Share rated 优秀." }),
      low: Proportion.openapi({ description: "Share rated 基本称职 or 不称职." }),
    }),
  ),
  warnings: z.array(z.object({ code: z.string(), message: TextSchema })),
  summary: z.array(TextSchema),
};
const FiguresSchema = z.object(Figures).openapi("ValidityFigures");
const ValidityReportSchema = z
  .object({
    generatedAt: z.string(),
    postType: z.string().nullable(),
    placements: z.number().int(),
    withOutcome: z.number().int(),
    profileVersions: z.array(z.number().int()),
    overall: FiguresSchema,
    byPostType: z.array(z.object({ post: z.string(), name: TextSchema, ...Figures })),
    notes: z.array(TextSchema),
  })
  .openapi("ValidityReport");

const FollowUpItemSchema = z
  .object({
    cadreId: z.string(),
    cadreName: z.string(),
    placement: PlacementSchema,
    latestOutcome: OutcomeSchema.nullable(),
    outcomeCount: z.number().int(),
    team: z
      .object({
        id: z.string(),
        score: z.number(),
        feasible: z.boolean(),
        profileVersion: z.number().int(),
        hardViolations: z.array(z.object({ rule: z.string(), message: TextSchema })),
      })
      .nullable()
      .openapi({ description: "The placement's team scored now with the current profile." }),
    flagged: z.boolean(),
    reasons: z.array(z.object({ code: z.enum(["low-grade", "team-infeasible"]), message: TextSchema })),
  })
  .openapi("FollowUpItem");

/** The audit event names these objects (the answer itself has no top-level ids). */
function auditedAs<R extends Response>(
  c: { var: Pick<AppEnv["Variables"], "audit"> },
  response: R,
  objects: readonly { id: string }[],
): R {
  if (c.var.audit) c.var.audit.answered = { items: objects.map((o) => ({ id: o.id })) };
  return response;
}

const boolQuery = z
  .enum(["true", "false"])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "true"));

export const placementRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/suggestions/{id}/accept",
      tags,
      summary: "Accept a ranked suggestion: record its placements and (by default) set the team's seats",
      description:
        "Records a placement for every cadre the suggestion puts in a seat it filled, with the score, " +
        "components and fit of the current ranking and its scoring-profile version. For a stored team " +
        "and `apply` (default true) the seats are set in the same transaction; 409 if the team changed. " +
        "A request is accepted once (409 after).",
      request: { params: IdParams, body: jsonBody(AcceptBody) },
      responses: {
        201: jsonContent(CarriedOutSchema, "Accepted"),
        ...problemResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const done = await acceptSuggestion(c.var.services, c.req.valid("param").id, c.req.valid("json"));
      return auditedAs(c, c.json(done, 201), done.placements);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/exchange-plans/{id}/carry-out",
      tags,
      summary: "Carry out a finished exchange plan: record its placements and (by default) set the seats",
      request: { params: IdParams, body: jsonBody(CarryOutBody) },
      responses: {
        201: jsonContent(CarriedOutSchema, "Carried out"),
        ...problemResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const done = await carryOutPlan(c.var.services, c.req.valid("param").id, c.req.valid("json"));
      return auditedAs(c, c.json(done, 201), done.placements);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/placements",
      tags,
      summary: "Record a placement made outside banzi (fit and team score computed now)",
      request: { body: jsonBody(ManualPlacement) },
      responses: {
        201: jsonContent(PlacementSchema, "Recorded"),
        ...problemResponses(400, 409, 413, 415, 422),
      },
    }),
    async (c) => c.json(await placements.createPlacement(c.var.services, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/placements",
      tags,
      summary: "List placements, newest first",
      request: {
        query: z.strictObject({
          ...pageQuery,
          cadreId: IdSchema.optional(),
          teamId: IdSchema.optional(),
          region: CodeSchema.optional(),
          post: CodeSchema.optional(),
        }),
      },
      responses: {
        200: jsonContent(listOf(PlacementSchema, "PlacementList"), "A page of placements"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await placements.listPlacements(c.var.services, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/placements/{id}",
      tags,
      summary: "Read a placement with its appraisals",
      request: { params: IdParams },
      responses: {
        200: jsonContent(PlacementWithOutcomes, "The placement"),
        ...problemResponses(404, 422),
      },
    }),
    async (c) => c.json(await placements.getPlacement(c.var.services, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/placements/{id}/outcomes",
      tags,
      summary: "Record a placement's annual appraisal (one per year)",
      request: { params: IdParams, body: jsonBody(OutcomeBody) },
      responses: {
        201: jsonContent(OutcomeSchema, "Recorded"),
        ...problemResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    async (c) =>
      c.json(await placements.addOutcome(c.var.services, c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/placements/outcomes/import",
      tags,
      summary: "Import annual appraisals (CSV from Excel, or JSON); all rows or none",
      description:
        "CSV in UTF-8 (with or without BOM) or GB18030, RFC 4180, headers in Chinese or English: " +
        "`placementId`/`任职编号` (or `cadreId`/`干部编号` + `placedOn`/`任职日期`), `year`/`年度`, " +
        "`grade`/`考核等次` (优秀, 称职, 基本称职, 不称职 or their English codes), `notes`/`备注`. Every " +
        "problem is listed by line and column (422) and nothing is written.",
      request: {
        query: z.strictObject({
          dryRun: z
            .enum(["true", "false", "1", "0"])
            .optional()
            .transform((v) => v === "true" || v === "1")
            .openapi({ description: "Validate only." }),
        }),
        body: {
          content: {
            "text/csv": csvBody,
            "application/csv": csvBody,
            "text/plain": csvBody,
            "application/json": { schema: OutcomeImportJson },
          },
        },
      },
      responses: {
        200: jsonContent(OutcomeImportSummary, "A dry run"),
        201: jsonContent(OutcomeImportSummary, "Imported"),
        ...problemResponses(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const contentType = c.req.header("content-type") ?? "";
      const [mediaType = "", ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
      let source: OutcomeSource;
      if (mediaType === "application/json" || mediaType.endsWith("+json")) {
        const body = c.req.valid("json") as z.infer<typeof OutcomeImportJson>;
        source = { format: "json", rows: body.rows };
      } else if ((CSV_TYPES as readonly string[]).includes(mediaType)) {
        const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length);
        source = { format: "csv", bytes: new Uint8Array(await c.req.arrayBuffer()), charset };
      } else
        throw new ApiError("unsupported_media_type", "Send the file as text/csv or application/json.", {
          field: "content-type",
        });
      const { status, summary } = await importOutcomes(c.var.services, source, {
        dryRun: c.req.valid("query").dryRun,
      });
      return c.json(summary, status);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/follow-up",
      tags,
      summary: "Placed cadres with their latest appraisal; flagged for review with the reason",
      description:
        "One item per placed cadre (their latest placement). Flagged when the latest appraisal is " +
        "基本称职 or 不称职, or when their team, scored now, breaks a hard rule.",
      request: {
        query: z.strictObject({
          limit: pageQuery.limit,
          cursor: pageQuery.cursor,
          flagged: boolQuery.openapi({ description: "true: only the flagged; false: only the others." }),
          region: CodeSchema.optional(),
        }),
      },
      responses: {
        200: jsonContent(
          z
            .object({
              items: z.array(FollowUpItemSchema),
              nextCursor: z.string().nullable(),
              total: z.number().int(),
              flaggedCount: z.number().int(),
            })
            .openapi("FollowUpList"),
          "A page of the follow-up list",
        ),
        ...problemResponses(422),
      },
    }),
    async (c) => {
      const list = await followUp(c.var.services, c.req.valid("query"));
      return auditedAs(
        c,
        c.json(list, 200),
        list.items.map((i) => ({ id: i.cadreId })),
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/validity-report",
      tags,
      summary: "Does predicted fit go with later appraisals? Overall and per post type (descriptive only)",
      description:
        "Spearman's ρ between predicted fit (and team score) and the appraisal (优秀 4 … 不称职 1) with a " +
        "95 % interval, outcome rates by fit quartile with Wilson intervals, sample sizes, and warnings " +
        "where the sample is too small. The report never changes a weight.",
      request: { query: z.strictObject({ postType: CodeSchema.optional() }) },
      responses: {
        200: jsonContent(ValidityReportSchema, "The report"),
        ...problemResponses(422),
      },
    }),
    async (c) => c.json(await validityReportView(c.var.services, c.req.valid("query")), 200),
  );
