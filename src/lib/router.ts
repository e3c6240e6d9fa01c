import type { z } from "@hono/zod-openapi";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Credentials } from "../auth/credentials";
import type { AuditContext } from "../auth/guard";
import type { Principal } from "../auth/roles";
import type { AppConfig, RequestServices } from "../deps";
import { ApiError, type FieldError } from "./problem";

/** Hono's typed context variables for banzi's routes. */
export interface AppEnv {
  Variables: {
    services: RequestServices;
    config: AppConfig;
    requestId: string;
    /** Who is asking (unset on public routes and when authentication is off for a benchmark). */
    auth?: Principal;
    /** What the request adds to the audit trail (src/auth/guard.ts). */
    audit?: AuditContext;
    /** The app's cache of verified tokens and sessions (cleared on revocation and logout). */
    credentials?: Credentials;
  };
}

const TARGET_PREFIX: Record<string, string> = {
  query: "query.",
  param: "path.",
  header: "header.",
  json: "",
};

/** Every zod issue as a {@link FieldError} with a dotted path (`seats.2.post`, `query.limit`). */
export function fieldErrors(error: z.ZodError, target: string): FieldError[] {
  const prefix = TARGET_PREFIX[target] ?? "";
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: prefix + (path ? `${path}.${key}` : key),
        code: "unknown_field",
        message: `unknown field '${key}'`,
      }));
    }
    return [{ field: prefix + (path || "(body)"), code: issue.code, message: issue.message }];
  });
}

/** A router whose failed validations become one 422 problem listing every field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.error, result.target);
        const first = errors[0];
        const detail = first
          ? `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
          : "The request is not valid.";
        throw new ApiError("validation_failed", detail, { errors });
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
