/** zod schemas shared by several resources; they also become the OpenAPI components. */
import { z } from "@hono/zod-openapi";
import { FACTOR_INFO, FACTORS, type FactorCode } from "../../scoring/factors";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: "Stable, machine-readable error code." }),
    detail: z.string(),
    instance: z.string().optional(),
    field: z.string().optional().openapi({ description: "The first offending field, as a dotted path." }),
    errors: z
      .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Every offending field." }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details." });

/** Codes of regions and post types: short, URL-safe. */
export const CodeSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/,
    "letters, digits, '_', '.', '-' (1–40, starting with a letter or digit)",
  );

/** Ids of cadres, teams and assessments: the same alphabet, up to 64 characters. */
export const IdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    "letters, digits, '_', '.', '-' (1–64, starting with a letter or digit)",
  );

export const IsoDateSchema = z.iso.date().openapi({ example: "2026-05-12" });

/** A human-readable name: trimmed, non-empty, no control characters. */
export const NameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, "no control characters");

export const StenSchema = z.number().int().min(1).max(10);

function factorObject<T extends z.ZodType>(value: (code: FactorCode) => T) {
  return z.strictObject(
    Object.fromEntries(
      FACTORS.map((code) => [
        code,
        value(code).openapi({
          description: `${code} ${FACTOR_INFO[code].nameZh} ${FACTOR_INFO[code].nameEn}`,
        }),
      ]),
    ) as Record<FactorCode, T>,
  );
}

/** All 16 stens, keyed A … Q4; each an integer 1–10. */
export const StensSchema = factorObject(() => StenSchema).openapi("Stens", {
  description: "Sten (1–10) for each of the 16 primary factors.",
});

/** All 16 raw scores, keyed A … Q4 (non-negative integers; the norm checks the maxima). */
export const RawScoresSchema = factorObject(() => z.number().int().min(0).max(200)).openapi("RawScores", {
  description: "Raw score for each of the 16 primary factors.",
});

export const IdParams = z.object({ id: IdSchema.openapi({ param: { name: "id", in: "path" } }) });
export const CodeParams = z.object({ code: CodeSchema.openapi({ param: { name: "code", in: "path" } }) });

/** `{ items, nextCursor }` of a list. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

/** Standard error responses a route may declare. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: "Problem", content: { "application/problem+json": { schema: ProblemSchema } } },
    ]),
  );

/** A JSON request body that must be present. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
