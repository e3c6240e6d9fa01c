/**
 * One error shape everywhere: RFC 9457 `application/problem+json` with a stable `code`.
 *
 * Handlers and services throw {@link ApiError}; the app's error handler renders it. Anything else
 * that escapes becomes a 500 `internal` problem without details (never a stack trace).
 *
 * @example
 * ```ts
 * throw new ApiError("not_found", "No cadre with id c-42.", { field: "id" });
 * ```
 */
export const ERROR_STATUS = {
  malformed_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  conflict: 409,
  duplicate: 409,
  in_use: 409,
  already_accepted: 409,
  team_changed: 409,
  now_infeasible: 409,
  seat_locked: 409,
  ranking_changed: 409,
  in_progress: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

const TITLES: Record<ErrorCode, string> = {
  malformed_json: "Malformed JSON",
  bad_request: "Bad request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  not_acceptable: "Not acceptable",
  conflict: "Conflict",
  duplicate: "Duplicate",
  in_use: "Still in use",
  already_accepted: "Already carried out",
  team_changed: "Team changed since",
  now_infeasible: "Now infeasible",
  seat_locked: "Seat locked",
  ranking_changed: "Ranking changed since",
  in_progress: "In progress",
  precondition_failed: "Precondition failed",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  validation_failed: "Validation failed",
  rate_limited: "Too many requests",
  internal: "Internal error",
  unavailable: "Service unavailable",
};

/** One problem with one field of the input; `field` is a dotted path such as `stens.A` or `seats.2.post`. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The RFC 9457 body banzi sends. `errors` lists every offending field; `field` repeats the first. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  field?: string;
  errors?: FieldError[];
  /** RFC 9457 extension members of one code (e.g. `violations` of `now_infeasible`). */
  [extension: string]: unknown;
}

/** Members of the problem body that {@link ApiError} sets itself; extensions cannot replace them. */
const RESERVED = new Set(["type", "title", "status", "code", "detail", "instance", "field", "errors"]);

export class ApiError extends Error {
  readonly status: ErrorStatus;
  readonly field: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    options: {
      field?: string;
      errors?: FieldError[];
      headers?: Record<string, string>;
      cause?: unknown;
      /** Extra members of the body (RFC 9457 §3.2), e.g. the rules a refused team now breaks. */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = "ApiError";
    this.status = ERROR_STATUS[code];
    this.errors = options.errors;
    this.field = options.field ?? options.errors?.[0]?.field;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  /** The problem+json body, with the request path as `instance`. */
  toProblem(instance?: string): ProblemBody {
    const body: ProblemBody = {
      type: `https://banzi.example/problems/${this.code.replaceAll("_", "-")}`,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      detail: this.message,
    };
    if (instance) body.instance = instance;
    if (this.field) body.field = this.field;
    if (this.errors?.length) body.errors = this.errors;
    for (const [key, value] of Object.entries(this.extensions)) if (!RESERVED.has(key)) body[key] = value;
    return body;
  }
}

/** Shorthand for a 422 naming one field. */
export function invalid(field: string, message: string, code = "invalid"): ApiError {
  return new ApiError("validation_failed", `${field}: ${message}`, { errors: [{ field, code, message }] });
}

/** Shorthand for a 404 naming what was looked up. */
export function notFound(what: string, id: string, field = "id"): ApiError {
  return new ApiError("not_found", `No ${what} with ${field} '${id}'.`, { field });
}

/** Render a problem as a Response (used outside Hono's context helpers, e.g. in the worker's env check). */
export function problemResponse(error: ApiError, instance?: string): Response {
  return new Response(JSON.stringify(error.toProblem(instance)), {
    status: error.status,
    headers: { "content-type": "application/problem+json", ...error.headers },
  });
}
