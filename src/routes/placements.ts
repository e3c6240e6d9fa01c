import { createRoute, z } from "@hono/zod-openapi";
import { APPRAISAL_GRADES, PLACEMENT_SOURCES, RANKS, TEAM_KINDS } from "../../db/schema";
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
  ProblemSchema,
  problemResponses,
} from "../lib/schemas";
import { importOutcomes, type OutcomeSource } from "../services/outcome-import";
import { createPlacement } from "../services/placement-manual";
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

const RankSchema = z.enum(RANKS);
const CadreStateSchema = z.object({
  region: z.string().nullable(),
  regionName: z.string().nullable(),
  post: z.string().nullable(),
  rank: RankSchema,
  reserve: z.boolean(),
  yearsInPost: z.number(),
  yearsInLocality: z.number(),
  lastPromotion: z.string().nullable(),
});
const RecordChangeSchema = z
  .object({
    cadreId: z.string(),
    name: z.string(),
    updated: z.boolean().openapi({
      description: "False when the cadre has a later placement: an older one leaves their record as it is.",
    }),
    promoted: z.boolean().openapi({
      description:
        "The post starts above the cadre's rank: rank raised to it, last promotion set to the placement's date.",
    }),
    before: CadreStateSchema,
    after: CadreStateSchema,
    note: TextSchema.nullable(),
  })
  .openapi("PlacementRecordChange", {
    description:
      "How the placement set the cadre's record: current region and post, years in post (and in the locality, when it changes) counted from the placement's date, reserve flag cleared, rank on promotion.",
  });

const RescoredSchema = z
  .object({
    teamId: z.string().nullable(),
    team: z.string().openapi({ description: "The team's name and id, e.g. 平湖县党政领导班子 (T-XJ08)." }),
    region: z.string(),
    regionName: z.string(),
    scoreThen: z.number().openapi({ description: "The team's score when the result was computed." }),
    scoreNow: z
      .number()
      .openapi({ description: "Scored again now: today's data, the newest scoring profile." }),
    profileVersionThen: z.number().int(),
    profileVersionNow: z.number().int(),
  })
  .openapi("PlacementRescored");

const CarriedOutSchema = z
  .object({
    source: z.enum(["suggestion", "exchange-plan"]),
    sourceId: z.string(),
    rank: z.number().int().optional(),
    scoreThen: z
      .number()
      .optional()
      .openapi({ description: "Suggestions: the accepted team's score when suggested." }),
    scoreNow: z.number().optional().openapi({
      description: "Suggestions: the same team scored now (today's data, the newest profile), as placed.",
    }),
    profileVersionThen: z.number().int().optional(),
    profileVersionNow: z.number().int().optional(),
    teams: z.array(RescoredSchema).openapi({ description: "Each team placed into, scored then and now." }),
    appliedTeams: z.array(z.string()).openapi({ description: "Teams whose seats were set." }),
    vacated: z
      .array(
        z.object({
          teamId: z.string(),
          teamName: z.string().nullable(),
          region: z.string(),
          regionName: z.string(),
          position: z.number().int(),
          post: z.string(),
          cadreId: z.string(),
        }),
      )
      .openapi({
        description:
          "Seats in current teams (never saved scenarios) that the placed cadres held and left (a cadre holds one post): emptied with the same change.",
      }),
    placements: z.array(PlacementSchema),
    records: z
      .array(RecordChangeSchema)
      .openapi({ description: "Who moved: each placed cadre's record before and after." }),
    message: TextSchema.openapi({ description: "What was done, naming teams and regions." }),
  })
  .openapi("CarriedOut");

const NowViolationSchema = z.object({
  rule: z.string(),
  ruleName: TextSchema,
  seat: z.number().int().nullable(),
  post: z.string().nullable(),
  postName: TextSchema.nullable(),
  members: z.array(z.object({ id: z.string(), name: z.string() })),
  message: TextSchema,
});

/** The 409 of placing: which refusal it is, and for `now_infeasible` what breaks. */
const PlacingConflictSchema = ProblemSchema.extend({
  code: z.enum([
    "already_accepted",
    "team_changed",
    "now_infeasible",
    "seat_locked",
    "ranking_changed",
    "duplicate",
    "conflict",
  ]),
  message: TextSchema.optional().openapi({
    description: "now_infeasible: the refusal in Chinese and English.",
  }),
  violations: z.array(NowViolationSchema).optional().openapi({
    description: "now_infeasible: each hard rule the team breaks today, with its seat and the people.",
  }),
  team: z
    .object({
      id: z.string(),
      name: z.string().nullable(),
      kind: z.enum(TEAM_KINDS),
      region: z.string(),
      regionName: z.string(),
    })
    .nullable()
    .optional(),
  scoreThen: z.number().optional(),
  scoreNow: z.number().optional(),
  profileVersionNow: z.number().int().optional(),
  placements: z
    .array(z.string())
    .optional()
    .openapi({ description: "already_accepted: the placements made." }),
  placedOn: z.string().optional(),
  acceptedRank: z.number().int().optional(),
  placementId: z.string().optional().openapi({ description: "duplicate: the stored placement." }),
}).openapi("PlacingConflict");

const placingConflict = (description: string) => ({
  409: {
    description,
    content: { "application/problem+json": { schema: PlacingConflictSchema } },
  },
});

const PLACING_409 =
  "`already_accepted`: carried out before (a result is carried out once); `team_changed`: the stored " +
  "team's seats or holders differ from what the result was computed for; `now_infeasible`: scored " +
  "again on today's data the team breaks a hard rule (`violations` names rules, seats and members; " +
  "nothing is written); `seat_locked`: a placed cadre holds a locked seat elsewhere; `ranking_changed`: " +
  "the request was re-ranked after the `version` the caller names (nothing is written); `duplicate`: " +
  "an identical placement is stored.";

const AcceptBody = z
  .strictObject({
    rank: z.number().int().min(1).max(100).openapi({ description: "The rank of the accepted suggestion." }),
    version: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({
        description:
          "The ranking version the caller saw (`version` of GET /v1/suggestions/{id}). When the request has been " +
          "re-ranked since (e.g. after a write made it stale), the rank may name another team: 409 `ranking_changed`, " +
          "nothing written. Without it, the current ranking's rank is accepted.",
      }),
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
        "In one transaction: the suggestion's team is scored again on today's data with the newest " +
        "scoring profile (409 `now_infeasible` if it now breaks a hard rule, nothing written; the answer " +
        "reports `scoreThen` and `scoreNow`); for a stored team and `apply` (default true) the seats are " +
        "set (409 `team_changed` if the team changed since), seats the placed cadres leave in current " +
        "teams are vacated (saved scenarios are never touched); a placement is recorded for every cadre " +
        "put in a seat it filled, with today's fit and score; and each placed cadre's record is set " +
        "(region, post, years, reserve flag, rank on promotion). A request is accepted once: any later " +
        "accept is 409 `already_accepted`; the same request repeated with its `Idempotency-Key` replays " +
        "the first answer.",
      request: { params: IdParams, body: jsonBody(AcceptBody) },
      responses: {
        201: jsonContent(CarriedOutSchema, "Accepted"),
        ...problemResponses(400, 404, 413, 415, 422),
        ...placingConflict(PLACING_409),
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
      description:
        "As accepting a suggestion, for every team a move goes to: each is scored again now " +
        "(`teams[].scoreThen`/`scoreNow`; 409 `now_infeasible` if one now breaks a hard rule). A plan " +
        "that is not finished or places nobody is 409 `conflict`.",
      request: { params: IdParams, body: jsonBody(CarryOutBody) },
      responses: {
        201: jsonContent(CarriedOutSchema, "Carried out"),
        ...problemResponses(400, 404, 413, 415, 422),
        ...placingConflict(`${PLACING_409} \`conflict\`: the plan is not finished, or places nobody.`),
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
      description:
        "Sets the cadre's record (current region and post, years counted from `placedOn`, reserve flag " +
        "cleared, rank on promotion) unless the cadre has a later placement; seats are not changed. " +
        "An identical placement (same cadre, team, post and date) is 409 `duplicate`.",
      request: { body: jsonBody(ManualPlacement) },
      responses: {
        201: jsonContent(
          PlacementSchema.extend({ record: RecordChangeSchema, message: TextSchema }).openapi(
            "ManualPlacementRecorded",
          ),
          "Recorded",
        ),
        ...problemResponses(400, 413, 415, 422),
        ...placingConflict("`duplicate`: the same placement is already stored (`placementId`)."),
      },
    }),
    async (c) => c.json(await createPlacement(c.var.services, c.req.valid("json")), 201),
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
