import { createRoute, z } from "@hono/zod-openapi";
import { notifyJob } from "../jobs/enqueue";
import { ApiError } from "../lib/problem";
import { createRouter } from "../lib/router";
import { IdParams, jsonContent, problemResponses } from "../lib/schemas";
import * as imports from "../services/imports";
import { rerankAfterImport } from "../services/rerank";

const tags = ["Imports"];

/** Media types read as CSV (Excel and curl send all three). */
const CSV_TYPES = ["text/csv", "application/csv", "text/plain"] as const;

const ImportIssueSchema = z
  .object({
    line: z
      .number()
      .int()
      .openapi({ description: "CSV: 1-based line of the file (header = 1). JSON: 1-based row." }),
    column: z.string().optional().openapi({ description: "The column's header as written." }),
    code: z.string().openapi({
      description:
        "bad_encoding, empty_file, unterminated_quote, bad_quote, truncated_row, extra_fields, missing_column, " +
        "duplicate_column, mixed_factor_columns, missing_value, missing_factor, no_scores, not_integer, " +
        "sten_out_of_range, raw_out_of_range, bad_kind, unknown_norm, bad_date, bad_value, bad_row, unknown_cadre, " +
        "ambiguous_cadre, cadre_mismatch, duplicate_row, conflicting_row, conflicts_stored",
    }),
    message: z.string(),
    field: z.string().openapi({ description: "`line 4, A` (CSV) or `rows.3.A` (JSON)." }),
  })
  .openapi("ImportIssue");

const ImportSummarySchema = z
  .object({
    id: z.string().nullable().openapi({ description: "The import batch; null on a dry run." }),
    dryRun: z.boolean(),
    replayed: z
      .boolean()
      .openapi({ description: "An earlier import's answer (same Idempotency-Key or bytes)." }),
    format: z.enum(["csv", "json"]),
    encoding: z.enum(["utf-8", "utf-8-bom", "gb18030"]).nullable(),
    contentSha256: z.string(),
    matchBy: z.array(z.enum(["cadreId", "name", "birthYear"])),
    rows: z.number().int(),
    created: z.number().int().openapi({ description: "Assessments created (dry run: that would be)." }),
    skipped: z.number().int().openapi({ description: "Rows already stored (same cadre, date, stens)." }),
    cadreIds: z.array(z.string()).openapi({ description: "Cadres with a new assessment, sorted." }),
    ignoredColumns: z.array(z.string()),
    errorCount: z.number().int(),
    errors: z.array(ImportIssueSchema),
    jobId: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi("ImportSummary");

const ImportJson = z
  // 50,000 rows is several rounds of a whole province; the body limit bounds the bytes as well.
  .strictObject({ rows: z.array(z.record(z.string(), z.unknown())).min(1).max(50_000) })
  .openapi("ImportJson", {
    description:
      'Rows with the CSV column names as keys, e.g. `{ cadreId, takenOn, kind: "sten", A: 6, …, Q4: 4 }`, ' +
      "or `{ cadreId, takenOn, stens: { A … Q4 } }` / `raw: { … }`.",
  });

const ImportQuery = z.strictObject({
  dryRun: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .openapi({ description: "Validate only: report every problem, write nothing." }),
  matchBy: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((k) => k.trim()) : undefined))
    .openapi({ description: "`cadreId` (default), or a natural key: `name,birthYear` (must be unique)." }),
  kind: z
    .enum(["sten", "raw"])
    .optional()
    .openapi({ description: "What unmarked factor columns hold when the file has no kind column." }),
  norm: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
    .optional()
    .openapi({ description: "Norm for raw scores when a row names none; default cn-16pf-187." }),
});

const ImportHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({ description: "The same key again returns the first result; with another body, 409." }),
});

/** The CSV is read as bytes by the handler; this schema only documents it. */
const csvBody = { schema: z.string().openapi({ format: "binary" }) };

export const importRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/imports",
      tags,
      summary: "Import a batch of 16PF results (CSV from Excel, or JSON); all rows or none",
      description:
        "CSV in UTF-8 (with or without BOM) or GB18030, RFC 4180 quoting, headers in Chinese or English: " +
        "`cadreId`/`干部编号` (or `name`/`姓名` + `birthYear`/`出生年份` with `matchBy`), `takenOn`/`测评日期`, " +
        "`norm`/`常模`, `instrument`/`测验`, `kind`/`分数类型` (sten/标准分 or raw/原始分) and factor columns " +
        "`A` … `Q4` (or `乐群性`, `A 乐群性`), or marked `A_sten`/`A标准分`, `A_raw`/`A原始分`. Every row is " +
        "validated first; any problem → 422 listing all of them by line and column, and nothing is written. " +
        "The same bytes or Idempotency-Key again → 200 with the first import's summary (`replayed: true`).",
      request: {
        query: ImportQuery,
        headers: ImportHeaders,
        body: {
          content: {
            "text/csv": csvBody,
            "application/csv": csvBody,
            "text/plain": csvBody,
            "application/json": { schema: ImportJson },
          },
        },
      },
      responses: {
        200: jsonContent(ImportSummarySchema, "A dry run, or a replay of an earlier import"),
        201: jsonContent(ImportSummarySchema, "Imported"),
        ...problemResponses(400, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const contentType = c.req.header("content-type") ?? "";
      const [mediaType = "", ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
      let source: imports.ImportSource;
      if (mediaType === "application/json" || mediaType.endsWith("+json")) {
        // Typed as the union of every declared body; only the JSON one is ever validated as JSON.
        const body = c.req.valid("json") as z.infer<typeof ImportJson>;
        source = { format: "json", rows: body.rows };
      } else if ((CSV_TYPES as readonly string[]).includes(mediaType)) {
        const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length);
        source = { format: "csv", bytes: new Uint8Array(await c.req.arrayBuffer()), charset };
      } else {
        throw new ApiError("unsupported_media_type", "Send the file as text/csv or application/json.", {
          field: "content-type",
        });
      }
      const { status, summary } = await imports.importAssessments(c.var.services, source, {
        dryRun: query.dryRun,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        matchBy: query.matchBy,
        kind: query.kind,
        norm: query.norm,
        // The re-rank job over the changed cadres commits with the import, or not at all.
        onImported: rerankAfterImport({ ...c.var.services, jobs: undefined }),
      });
      if (status === 201) await notifyJob(c.var.services, summary.jobId);
      return c.json(summary, status);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/v1/imports/{id}",
      tags,
      summary: "What an import did (its stored summary)",
      request: { params: IdParams },
      responses: { 200: jsonContent(ImportSummarySchema, "The import"), ...problemResponses(404, 422) },
    }),
    async (c) => c.json(await imports.getImport(c.var.services, c.req.valid("param").id), 200),
  );
