import { createRoute, z } from "@hono/zod-openapi";
import { deriveFactors, interpretDerived } from "../../scoring/derived";
import { createRouter } from "../lib/router";
import { jsonBody, jsonContent, problemResponses, RawScoresSchema, StensSchema } from "../lib/schemas";
import { convertRaw } from "../services/norms";

const tags = ["Psychometrics"];

const DerivedSchema = z
  .object({
    X1: z.number().openapi({ description: "适应与焦虑 adjustment vs anxiety" }),
    X2: z.number().openapi({ description: "内向与外向 introversion vs extraversion" }),
    X3: z.number().openapi({ description: "感情用事与安详机警 tender-minded vs tough poise" }),
    X4: z.number().openapi({ description: "怯懦与果断 subdued vs independent" }),
    Y1: z.number().openapi({ description: "心理健康 mental health (< 12 unstable)" }),
    Y2: z.number().openapi({ description: "专业有成就 professional achievement" }),
    Y3: z.number().openapi({ description: "创造力 creativity, raw as the formula gives it" }),
    Y3Sten: z.number().int().openapi({ description: "创造力 as a sten, by the manual's table" }),
    Y4: z.number().openapi({ description: "新环境成长能力 growth in new settings" }),
    interpretation: z.record(
      z.string(),
      z.object({
        code: z.string(),
        value: z.number(),
        level: z.enum(["low", "average", "high"]),
        zh: z.string(),
        en: z.string(),
      }),
    ),
  })
  .openapi("DerivedFactors");

export const psychometricsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/psychometrics/derive",
      tags,
      summary: "Second-order (X1–X4) and application (Y1–Y4) factors of a sten profile",
      description:
        "Formulas of the Chinese 16PF manual; X1's last term is Q3 (sources disagree; see scoring/derived.ts).",
      request: { body: jsonBody(z.strictObject({ stens: StensSchema })) },
      responses: {
        200: jsonContent(DerivedSchema, "The derived factors with their reading"),
        ...problemResponses(400, 413, 415, 422),
      },
    }),
    (c) => {
      const derived = deriveFactors(c.req.valid("json").stens);
      return c.json({ ...derived, interpretation: interpretDerived(derived) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/v1/psychometrics/stens",
      tags,
      summary: "Raw scores → stens through a norm (default: the Chinese 187-item norm cn-16pf-187)",
      request: {
        body: jsonBody(
          z.strictObject({ raw: RawScoresSchema, norm: z.string().trim().min(1).max(64).optional() }),
        ),
      },
      responses: {
        200: jsonContent(
          z.object({ stens: StensSchema, norm: z.string(), normVersion: z.number().int() }),
          "The stens",
        ),
        ...problemResponses(400, 413, 415, 422),
      },
    }),
    async (c) => {
      const { raw, norm } = c.req.valid("json");
      return c.json(await convertRaw(c.var.services, raw, norm ?? "cn-16pf-187"), 200);
    },
  );
