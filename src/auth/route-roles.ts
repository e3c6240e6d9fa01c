/**
 * Every route's roles, in one place, keyed by method and OpenAPI path. A route missing here is
 * admin-only at run time, and test/security/route-roles.test.ts fails until it is declared.
 *
 * `audit` marks the routes whose every call is recorded (reads of personal data and every change);
 * `fields` names what personal fields a read returns, or `"body"` for the fields a change sets.
 * `idempotent` marks creating POSTs that honour `Idempotency-Key`.
 */
import type { Role } from "./roles";

export type AuditAction = "read" | "create" | "update" | "delete" | "export" | "login" | "logout";

export interface RoutePolicy {
  /** Who may call it: roles, `"public"` (no credentials) or `"docs"` (public when configured). */
  roles: readonly Role[] | "public" | "docs";
  audit?: { action: AuditAction; objectType: string; fields?: readonly string[] | "body" };
  idempotent?: boolean;
}

const ADMIN: readonly Role[] = ["admin"];
const STAFF: readonly Role[] = ["staff", "admin"];
/** Reference data and stateless computation: no personal data. */
const SCORING: readonly Role[] = ["scorer", "staff", "admin"];
const AUDITOR: readonly Role[] = ["auditor"];
const ANYONE: readonly Role[] = ["admin", "staff", "scorer", "auditor"];

/** The personal fields of a cadre as the API returns them. */
export const CADRE_FIELDS = [
  "name",
  "gender",
  "birthYear",
  "education",
  "birthRegion",
  "growthRegion",
  "currentRegion",
  "currentPost",
  "rank",
  "skills",
  "kin",
  "preferences",
  "assessment.stens",
] as const;
const ASSESSMENT_FIELDS = ["takenOn", "norm", "stens", "raw"] as const;
const TEAM_FIELDS = ["seats.cadreId"] as const;
const SCORE_FIELDS = ["members.fit", "violations.memberIds"] as const;
const SUGGESTION_FIELDS = ["ranking.cadreIds", "ranking.score", "robustness"] as const;
const PLACEMENT_FIELDS = ["cadreId", "teamId", "post", "placedOn", "fit", "teamScore"] as const;

const read = (objectType: string, fields: readonly string[]) =>
  ({ action: "read", objectType, fields }) as const;
const create = (objectType: string) => ({ action: "create", objectType, fields: "body" }) as const;
const update = (objectType: string) => ({ action: "update", objectType, fields: "body" }) as const;
const remove = (objectType: string) => ({ action: "delete", objectType }) as const;

export const ROUTE_POLICIES: Readonly<Record<string, RoutePolicy>> = {
  "GET /health": { roles: "public" },
  "GET /openapi.json": { roles: "docs" },
  "GET /docs": { roles: "docs" },
  "GET /docs/init.js": { roles: "docs" },

  "POST /v1/session": { roles: "public", audit: { action: "login", objectType: "session" } },
  "GET /v1/session": { roles: ANYONE },
  "DELETE /v1/session": { roles: ANYONE, audit: { action: "logout", objectType: "session" } },

  "POST /v1/tokens": { roles: ADMIN, audit: create("token") },
  "GET /v1/tokens": { roles: ADMIN, audit: read("token", ["name", "role"]) },
  "DELETE /v1/tokens/{id}": { roles: ADMIN, audit: remove("token") },

  "GET /v1/audit-events": { roles: AUDITOR, audit: read("audit-event", []) },

  "GET /v1/regions": { roles: SCORING },
  "GET /v1/regions/{code}": { roles: SCORING },
  "POST /v1/regions": { roles: ADMIN, audit: create("region"), idempotent: true },
  "PATCH /v1/regions/{code}": { roles: ADMIN, audit: update("region") },
  "DELETE /v1/regions/{code}": { roles: ADMIN, audit: remove("region") },

  "GET /v1/post-types": { roles: SCORING },
  "GET /v1/post-types/{code}": { roles: SCORING },
  "POST /v1/post-types": { roles: ADMIN, audit: create("post-type"), idempotent: true },
  "PATCH /v1/post-types/{code}": { roles: ADMIN, audit: update("post-type") },
  "DELETE /v1/post-types/{code}": { roles: ADMIN, audit: remove("post-type") },

  "GET /v1/scoring-profiles": { roles: SCORING },
  "GET /v1/scoring-profiles/current": { roles: SCORING },
  "GET /v1/scoring-profiles/{version}": { roles: SCORING },
  "POST /v1/scoring-profiles": { roles: ADMIN, audit: create("scoring-profile"), idempotent: true },

  "GET /v1/norms": { roles: SCORING },
  "GET /v1/norms/{code}": { roles: SCORING },
  "PUT /v1/norms/{code}": { roles: ADMIN, audit: update("norm") },

  "POST /v1/score": { roles: SCORING },
  "POST /v1/psychometrics/derive": { roles: SCORING },
  "POST /v1/psychometrics/stens": { roles: SCORING },

  "GET /v1/cadres": { roles: STAFF, audit: read("cadre", CADRE_FIELDS) },
  "POST /v1/cadres": { roles: STAFF, audit: create("cadre"), idempotent: true },
  "GET /v1/cadres/{id}": { roles: STAFF, audit: read("cadre", CADRE_FIELDS) },
  "PATCH /v1/cadres/{id}": { roles: STAFF, audit: update("cadre") },
  "DELETE /v1/cadres/{id}": { roles: STAFF, audit: remove("cadre") },
  "GET /v1/exports/cadres.csv": {
    roles: STAFF,
    audit: { action: "export", objectType: "cadre", fields: CADRE_FIELDS },
  },

  "GET /v1/cadres/{id}/assessments": { roles: STAFF, audit: read("assessment", ASSESSMENT_FIELDS) },
  "POST /v1/cadres/{id}/assessments": { roles: STAFF, audit: create("assessment"), idempotent: true },
  "GET /v1/cadres/{id}/assessments/{assessmentId}": {
    roles: STAFF,
    audit: read("assessment", ASSESSMENT_FIELDS),
  },
  "PATCH /v1/cadres/{id}/assessments/{assessmentId}": { roles: STAFF, audit: update("assessment") },
  "DELETE /v1/cadres/{id}/assessments/{assessmentId}": { roles: STAFF, audit: remove("assessment") },

  "GET /v1/teams": { roles: STAFF, audit: read("team", TEAM_FIELDS) },
  "POST /v1/teams": { roles: STAFF, audit: create("team"), idempotent: true },
  "GET /v1/teams/{id}": { roles: STAFF, audit: read("team", TEAM_FIELDS) },
  "PATCH /v1/teams/{id}": { roles: STAFF, audit: update("team") },
  "DELETE /v1/teams/{id}": { roles: STAFF, audit: remove("team") },
  "GET /v1/teams/{id}/seats": { roles: STAFF, audit: read("team", TEAM_FIELDS) },
  "POST /v1/teams/{id}/seats": { roles: STAFF, audit: create("seat"), idempotent: true },
  "GET /v1/teams/{id}/seats/{position}": { roles: STAFF, audit: read("team", TEAM_FIELDS) },
  "PATCH /v1/teams/{id}/seats/{position}": { roles: STAFF, audit: update("seat") },
  "DELETE /v1/teams/{id}/seats/{position}": { roles: STAFF, audit: remove("seat") },
  "GET /v1/teams/{id}/score": { roles: STAFF, audit: read("team", SCORE_FIELDS) },

  "POST /v1/suggestions": {
    roles: STAFF,
    audit: { action: "create", objectType: "suggestion", fields: SUGGESTION_FIELDS },
    idempotent: true,
  },
  "GET /v1/suggestions": { roles: STAFF, audit: read("suggestion", ["teamId", "topScore", "stale"]) },
  "GET /v1/suggestions/{id}": { roles: STAFF, audit: read("suggestion", SUGGESTION_FIELDS) },
  "GET /v1/suggestions/{id}/history": { roles: STAFF, audit: read("suggestion", SUGGESTION_FIELDS) },

  // Imports honour Idempotency-Key themselves (keyed with the content hash; src/services/imports.ts).
  "POST /v1/imports": {
    roles: STAFF,
    audit: { action: "create", objectType: "import", fields: ["stens", "raw"] },
  },
  "GET /v1/imports/{id}": { roles: STAFF, audit: read("import", []) },

  // Background work (other helpers' routes; staff, hence admin too).
  "POST /v1/rerank": { roles: STAFF, audit: create("rerank"), idempotent: true },
  // A job's result names cadres (an exchange plan's moves, a re-rank's changed teams): a read of them.
  "GET /v1/jobs/{id}": { roles: STAFF, audit: read("job", ["result.moves.cadreId", "result.teams"]) },
  "GET /v1/jobs/{id}/report": { roles: STAFF, audit: read("job", ["teams.score", "requests.diff"]) },
  "POST /v1/exchange-plans": { roles: STAFF, audit: create("exchange-plan"), idempotent: true },
  "GET /v1/exchange-plans/{id}": {
    roles: STAFF,
    audit: read("exchange-plan", ["moves.cadreId", "moves.from", "moves.to"]),
  },

  // Follow-up after placement (issue 8): placements and appraisals are personal data; the validity
  // report is aggregate figures only (auditors may read it to check what the tool claims).
  "POST /v1/suggestions/{id}/accept": { roles: STAFF, audit: create("placement"), idempotent: true },
  "POST /v1/exchange-plans/{id}/carry-out": { roles: STAFF, audit: create("placement"), idempotent: true },
  "POST /v1/placements": { roles: STAFF, audit: create("placement"), idempotent: true },
  "GET /v1/placements": { roles: STAFF, audit: read("placement", PLACEMENT_FIELDS) },
  "GET /v1/placements/{id}": { roles: STAFF, audit: read("placement", [...PLACEMENT_FIELDS, "outcomes"]) },
  "POST /v1/placements/{id}/outcomes": {
    roles: STAFF,
    audit: create("placement-outcome"),
    idempotent: true,
  },
  "POST /v1/placements/outcomes/import": {
    roles: STAFF,
    audit: { action: "create", objectType: "placement-outcome", fields: ["grade", "notes"] },
    idempotent: true,
  },
  "GET /v1/follow-up": {
    roles: STAFF,
    audit: read("placement", ["cadreName", ...PLACEMENT_FIELDS, "latestOutcome", "team.violations"]),
  },
  "GET /v1/validity-report": { roles: ["staff", "admin", "auditor"], audit: read("validity-report", []) },
};

/** The policy of a method and OpenAPI path (`GET /v1/cadres/{id}`); HEAD is GET's. */
export function policyFor(method: string, path: string): RoutePolicy | undefined {
  const m = method === "HEAD" ? "GET" : method;
  return ROUTE_POLICIES[`${m} ${path}`];
}

/** Whether `role` may call a route with this policy (`docs` routes: see the app's config). */
export function allows(policy: RoutePolicy, role: Role | undefined, publicDocs: boolean): boolean {
  if (policy.roles === "public") return true;
  if (policy.roles === "docs") return publicDocs || role !== undefined;
  return role !== undefined && policy.roles.includes(role);
}
