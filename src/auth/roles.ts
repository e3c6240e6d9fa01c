/**
 * 角色 — the roles a token carries.
 *
 * - `admin`: tokens, post types, scoring profiles, norms and regions — and everything `staff` and
 *   `scorer` may do (an administrator also runs the service day to day). Not the audit log: that
 *   is the auditor's alone, so that whoever changes things is not who reads the record of it.
 * - `staff`: cadres, assessments, teams, suggestions, imports, exchange plans, jobs, re-ranking.
 * - `scorer`: the stateless `POST /v1/score` with inline members, `POST /v1/psychometrics/*` and the
 *   reference data (regions, post types, scoring profiles, norms) — never a cadre's personal data.
 * - `auditor`: the audit log.
 */
import { TOKEN_ROLES } from "../../db/schema";

export type Role = (typeof TOKEN_ROLES)[number];
export const ROLES: readonly Role[] = TOKEN_ROLES;

/** Who a request is: a token, presented directly or through a web session. */
export interface Principal {
  tokenId: string;
  role: Role;
  via: "token" | "session";
  /** The session's id and CSRF hash, when `via` is `session`. */
  sessionId?: string;
  csrfSha256?: string;
}
