/**
 * banzi's tables (drizzle, SQLite dialect for libSQL). Migrations in `db/migrations` are generated
 * from this file by `npm run db:generate` (drizzle-kit) and committed.
 *
 * Conventions: ids are text (client-supplied or generated), times are ISO-8601 text in UTC, booleans
 * are integers 0/1, structured values that are read whole are JSON text. CHECK constraints repeat the
 * API's validation so that no path into the database (imports, scripts, a future bug) can store a
 * sten outside 1–10 or a kin link to oneself.
 */
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { FACTORS } from "../scoring/factors";
import { GRADES } from "../scoring/validity";

export const REGION_LEVELS = ["city", "county"] as const;
export const GENDERS = ["male", "female"] as const;
/** 学历: 高中 / 大专 / 本科 / 硕士 / 博士. */
export const EDUCATIONS = ["high-school", "associate", "bachelor", "master", "doctorate"] as const;
/** 职级: 副科 / 正科 / 副处 / 正处 / 副厅 (county team members are mostly 副处 and 正处). */
export const RANKS = ["deputy-section", "section", "deputy-division", "division", "deputy-bureau"] as const;
/** 亲属关系 (R2): spouse, lineal, collateral within three generations, close in-law. */
export const KIN_RELATIONS = ["spouse", "lineal", "collateral", "in-law"] as const;
export const TEAM_KINDS = ["current", "scenario"] as const;
export const JOB_KINDS = ["import", "rerank", "suggestion", "exchange-plan"] as const;
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed"] as const;

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** 地区 — the city and its counties. */
export const regions = sqliteTable(
  "regions",
  {
    code: text().primaryKey(),
    name: text().notNull(),
    nameEn: text("name_en"),
    level: text({ enum: REGION_LEVELS }).notNull(),
    parentCode: text("parent_code").references((): AnySQLiteColumn => regions.code),
    ...timestamps,
  },
  (t) => [
    check("regions_level_ck", inList("level", REGION_LEVELS)),
    check("regions_county_parent_ck", sql`level <> 'county' or parent_code is not null`),
    index("regions_parent_idx").on(t.parentCode),
  ],
);

/**
 * 岗位 — a post type in a county team. `idealProfile`, `knockouts` and `requiredSkills` are the shipped
 * defaults that a scoring profile copies and may override.
 */
export const postTypes = sqliteTable(
  "post_types",
  {
    code: text().primaryKey(),
    name: text().notNull(),
    nameEn: text("name_en").notNull(),
    /** 党政正职 (县委书记, 县长): scored as the leading pair. */
    leading: integer({ mode: "boolean" }).notNull().default(false),
    /** 正职 (principal) rather than 副职 (deputy): R7 uses a 5-year term for principals, 3 for deputies. */
    principal: integer({ mode: "boolean" }).notNull().default(false),
    /** Subject to regional avoidance (R1). */
    avoidance: integer({ mode: "boolean" }).notNull().default(false),
    /** Lowest rank eligible for the post (R12). */
    minRank: text("min_rank", { enum: RANKS }),
    sortOrder: integer("sort_order").notNull().default(100),
    idealProfile: text("ideal_profile", { mode: "json" }).$type<Record<string, unknown>>(),
    knockouts: text({ mode: "json" }).$type<unknown[]>().notNull().default(sql`'[]'`),
    requiredSkills: text("required_skills", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    ...timestamps,
  },
  () => [check("post_types_min_rank_ck", sql`min_rank is null or ${inList("min_rank", RANKS)}`)],
);

/** 干部 — a cadre (reserve or serving), with the facts the rules need. */
export const cadres = sqliteTable(
  "cadres",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    gender: text({ enum: GENDERS }).notNull(),
    birthYear: integer("birth_year").notNull(),
    education: text({ enum: EDUCATIONS }).notNull(),
    /** 出生地 and 成长地 (R1 regional avoidance). */
    birthRegion: text("birth_region")
      .notNull()
      .references(() => regions.code),
    growthRegion: text("growth_region")
      .notNull()
      .references(() => regions.code),
    currentRegion: text("current_region").references(() => regions.code),
    currentPost: text("current_post").references(() => postTypes.code),
    rank: text({ enum: RANKS }).notNull(),
    /** 后备干部 */
    reserve: integer({ mode: "boolean" }).notNull().default(false),
    /** Years in the current post (R4: 10 ⇒ must leave). */
    yearsInPost: real("years_in_post").notNull().default(0),
    /** Consecutive years in the current locality's team (R5: 10 ⇒ should be exchanged). */
    yearsInLocality: real("years_in_locality").notNull().default(0),
    lastPromotion: text("last_promotion"),
    /** Years of service and at the grassroots (R12 eligibility), when known. */
    serviceYears: real("service_years"),
    grassrootsYears: real("grassroots_years"),
    version: integer().notNull().default(1),
    ...timestamps,
  },
  (t) => [
    check("cadres_gender_ck", inList("gender", GENDERS)),
    check("cadres_education_ck", inList("education", EDUCATIONS)),
    check("cadres_rank_ck", inList("rank", RANKS)),
    check("cadres_birth_year_ck", sql`birth_year between 1940 and 2010`),
    check("cadres_years_ck", sql`years_in_post >= 0 and years_in_locality >= 0`),
    // The list filters: by current region, rank and reserve flag; and the rules' joins.
    index("cadres_current_region_idx").on(t.currentRegion),
    index("cadres_rank_idx").on(t.rank),
    index("cadres_reserve_idx").on(t.reserve),
  ],
);

/** A cadre's skill (tag) with a level 1–5. */
export const cadreSkills = sqliteTable(
  "cadre_skills",
  {
    cadreId: text("cadre_id")
      .notNull()
      .references(() => cadres.id, { onDelete: "cascade" }),
    skill: text().notNull(),
    level: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cadreId, t.skill] }),
    check("cadre_skills_level_ck", sql`level between 1 and 5`),
    // `?skill=` filters cadres by skill.
    index("cadre_skills_skill_idx").on(t.skill),
  ],
);

/** A kin link (R2), stored once per pair with the smaller id first. */
export const kinLinks = sqliteTable(
  "kin_links",
  {
    cadreId: text("cadre_id")
      .notNull()
      .references(() => cadres.id, { onDelete: "cascade" }),
    kinId: text("kin_id")
      .notNull()
      .references(() => cadres.id, { onDelete: "cascade" }),
    relation: text({ enum: KIN_RELATIONS }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cadreId, t.kinId] }),
    check("kin_links_order_ck", sql`cadre_id < kin_id`),
    check("kin_links_relation_ck", inList("relation", KIN_RELATIONS)),
    // The pair is looked up from either side.
    index("kin_links_kin_idx").on(t.kinId),
  ],
);

/** 志愿 — a cadre's ranked post preferences (1 = first choice). */
export const cadrePreferences = sqliteTable(
  "cadre_preferences",
  {
    cadreId: text("cadre_id")
      .notNull()
      .references(() => cadres.id, { onDelete: "cascade" }),
    rank: integer().notNull(),
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    postCode: text("post_code")
      .notNull()
      .references(() => postTypes.code),
  },
  (t) => [
    primaryKey({ columns: [t.cadreId, t.rank] }),
    uniqueIndex("cadre_preferences_choice_uq").on(t.cadreId, t.regionCode, t.postCode),
    check("cadre_preferences_rank_ck", sql`rank >= 1`),
  ],
);

/**
 * An uploaded norm table for raw → sten conversion (the built-in Chinese norm lives in code). Every
 * edit is a new version; the newest version of a code is the one used.
 */
export const norms = sqliteTable(
  "norms",
  {
    code: text().notNull(),
    version: integer().notNull(),
    name: text().notNull(),
    kind: text({ enum: ["cutoffs", "z"] }).notNull(),
    definition: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.version] }),
    check("norms_kind_ck", sql`kind in ('cutoffs', 'z')`),
  ],
);

/** A batch of imported assessments; the idempotency key and the content hash make re-imports no-ops. */
export const importBatches = sqliteTable(
  "import_batches",
  {
    id: text().primaryKey(),
    idempotencyKey: text("idempotency_key").unique(),
    contentSha256: text("content_sha256").notNull(),
    format: text().notNull(),
    rowCount: integer("row_count").notNull(),
    jobId: text("job_id"),
    summary: text({ mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull(),
  },
  // The same file imported again is found by its content hash (an import is replayed, not repeated).
  (t) => [index("import_batches_content_idx").on(t.contentSha256)],
);

const stenColumn = (factor: string) => integer(`sten_${factor.toLowerCase()}`).notNull();
const rawColumn = (factor: string) => integer(`raw_${factor.toLowerCase()}`);

/** 测评 — one 16PF test of one cadre. History is kept; the newest (`takenOn`, then `createdAt`) is current. */
export const assessments = sqliteTable(
  "assessments",
  {
    id: text().primaryKey(),
    cadreId: text("cadre_id")
      .notNull()
      .references(() => cadres.id, { onDelete: "cascade" }),
    instrument: text().notNull(),
    takenOn: text("taken_on").notNull(),
    norm: text(),
    importBatchId: text("import_batch_id").references(() => importBatches.id),
    stenA: stenColumn("A"),
    stenB: stenColumn("B"),
    stenC: stenColumn("C"),
    stenE: stenColumn("E"),
    stenF: stenColumn("F"),
    stenG: stenColumn("G"),
    stenH: stenColumn("H"),
    stenI: stenColumn("I"),
    stenL: stenColumn("L"),
    stenM: stenColumn("M"),
    stenN: stenColumn("N"),
    stenO: stenColumn("O"),
    stenQ1: stenColumn("Q1"),
    stenQ2: stenColumn("Q2"),
    stenQ3: stenColumn("Q3"),
    stenQ4: stenColumn("Q4"),
    rawA: rawColumn("A"),
    rawB: rawColumn("B"),
    rawC: rawColumn("C"),
    rawE: rawColumn("E"),
    rawF: rawColumn("F"),
    rawG: rawColumn("G"),
    rawH: rawColumn("H"),
    rawI: rawColumn("I"),
    rawL: rawColumn("L"),
    rawM: rawColumn("M"),
    rawN: rawColumn("N"),
    rawO: rawColumn("O"),
    rawQ1: rawColumn("Q1"),
    rawQ2: rawColumn("Q2"),
    rawQ3: rawColumn("Q3"),
    rawQ4: rawColumn("Q4"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    ...FACTORS.flatMap((f) => {
      const c = f.toLowerCase();
      return [
        check(`assessments_sten_${c}_ck`, sql.raw(`sten_${c} between 1 and 10`)),
        check(`assessments_raw_${c}_ck`, sql.raw(`raw_${c} is null or raw_${c} >= 0`)),
      ];
    }),
    // "The current assessment of a cadre" and the history list read newest first.
    index("assessments_cadre_taken_idx").on(t.cadreId, t.takenOn, t.createdAt),
    index("assessments_batch_idx").on(t.importBatchId),
  ],
);

/** 班子 — a region's leadership team (the current one, or a saved scenario). */
export const teams = sqliteTable(
  "teams",
  {
    id: text().primaryKey(),
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    name: text(),
    kind: text({ enum: TEAM_KINDS }).notNull().default("current"),
    version: integer().notNull().default(1),
    ...timestamps,
  },
  (t) => [check("teams_kind_ck", inList("kind", TEAM_KINDS)), index("teams_region_idx").on(t.regionCode)],
);

/** A seat of a team: a post type and its holder, or vacant (`cadreId` null); `locked` seats stay put in searches. */
export const seats = sqliteTable(
  "seats",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    postCode: text("post_code")
      .notNull()
      .references(() => postTypes.code),
    cadreId: text("cadre_id").references(() => cadres.id),
    locked: integer({ mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.position] }),
    // One cadre holds at most one seat of a team (NULLs, i.e. vacancies, do not collide).
    uniqueIndex("seats_team_cadre_uq").on(t.teamId, t.cadreId),
    // "Which teams is this cadre in?" for deletes and re-ranking.
    index("seats_cadre_idx").on(t.cadreId),
  ],
);

/** A versioned scoring profile: weights, post profiles and rule settings. Rows are never edited. */
export const scoringProfiles = sqliteTable("scoring_profiles", {
  version: integer().primaryKey(),
  name: text().notNull(),
  /** Why this version was made (e.g. "post type county-head edited"). */
  note: text(),
  body: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: text("created_at").notNull(),
});

/** A saved suggestion request; its rankings are versions in `suggestion_results`. */
export const suggestionRequests = sqliteTable(
  "suggestion_requests",
  {
    id: text().primaryKey(),
    teamId: text("team_id").references(() => teams.id, { onDelete: "set null" }),
    request: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("suggestion_requests_team_idx").on(t.teamId)],
);

export const suggestionResults = sqliteTable(
  "suggestion_results",
  {
    requestId: text("request_id")
      .notNull()
      .references(() => suggestionRequests.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    status: text().notNull(),
    profileVersion: integer("profile_version").references(() => scoringProfiles.version),
    results: text({ mode: "json" }).$type<unknown>().notNull(),
    jobId: text("job_id"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.version] })],
);

/** A background job (import, re-rank, long search) with progress; survives restarts. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text().primaryKey(),
    kind: text({ enum: JOB_KINDS }).notNull(),
    status: text({ enum: JOB_STATUSES }).notNull(),
    done: integer().notNull().default(0),
    total: integer().notNull().default(0),
    payload: text({ mode: "json" }).$type<unknown>(),
    result: text({ mode: "json" }).$type<unknown>(),
    error: text(),
    attempts: integer().notNull().default(0),
    /** The runner holding the job while `running` (a process or isolate id). */
    runner: text(),
    /**
     * While `running`: until when the runner's claim holds; it renews the lease as it reports
     * progress. A `running` job whose lease has passed was interrupted (its process died) and is
     * claimed again — handlers are deterministic and commit only at the end, so it is re-run.
     */
    leaseUntil: text("lease_until"),
    ...timestamps,
  },
  (t) => [
    check("jobs_kind_ck", inList("kind", JOB_KINDS)),
    check("jobs_status_ck", inList("status", JOB_STATUSES)),
    check("jobs_progress_ck", sql`done >= 0 and total >= 0`),
    // The runner picks up queued and interrupted jobs.
    index("jobs_status_idx").on(t.status),
  ],
);

/** Append-only audit trail: who did what to which objects; never the personal values themselves. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: text().notNull(),
    actorId: text("actor_id"),
    actorRole: text("actor_role"),
    action: text().notNull(),
    objectType: text("object_type").notNull(),
    objectIds: text("object_ids", { mode: "json" }).$type<string[]>().notNull(),
    fields: text({ mode: "json" }).$type<string[]>(),
    requestId: text("request_id"),
    outcome: text().notNull(),
  },
  (t) => [index("audit_events_at_idx").on(t.at), index("audit_events_actor_idx").on(t.actorId)],
);

// ---------------------------------------------------------------------------------------------
// Re-ranking (issue 5): versioned team scores and the differences between ranking versions.

/**
 * A stored team's score, versioned: a re-rank job adds a version for every team whose members'
 * assessments (or whose scoring profile) changed, beside the earlier ones.
 */
export const teamScores = sqliteTable(
  "team_scores",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    profileVersion: integer("profile_version").references(() => scoringProfiles.version),
    score: real().notNull(),
    feasible: integer({ mode: "boolean" }).notNull(),
    /** Components, violations and the members scored. */
    summary: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** What changed since the previous version (null for the first). */
    diff: text({ mode: "json" }).$type<Record<string, unknown>>(),
    jobId: text("job_id"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.version] }),
    // A job's report lists what it changed.
    index("team_scores_job_idx").on(t.jobId),
  ],
);

/** How a request's ranking version differs from the one before it (written by re-rank jobs). */
export const suggestionDiffs = sqliteTable(
  "suggestion_diffs",
  {
    requestId: text("request_id")
      .notNull()
      .references(() => suggestionRequests.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    fromVersion: integer("from_version").notNull(),
    diff: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    jobId: text("job_id"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.version] }), index("suggestion_diffs_job_idx").on(t.jobId)],
);

// ---------------------------------------------------------------------------------------------
// Authentication (issue 6): API tokens, the web page's sessions, and Idempotency-Key replies.

/** 角色 — what a token may do; see src/auth/route-roles.ts for which routes each role reaches. */
export const TOKEN_ROLES = ["admin", "staff", "scorer", "auditor"] as const;

/**
 * An API token. Only the SHA-256 of the token is stored: tokens are 32 random bytes (base64url), so
 * a plain hash cannot be reversed by guessing and needs no salt or slow KDF.
 */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    role: text({ enum: TOKEN_ROLES }).notNull(),
    tokenSha256: text("token_sha256").notNull(),
    /** The token that created this one (null for the bootstrap admin and the command line). */
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  () => [check("api_tokens_role_ck", inList("role", TOKEN_ROLES))],
);

/** A web page's login: a cookie naming the session and a CSRF token, both stored as hashes. */
export const apiSessions = sqliteTable(
  "api_sessions",
  {
    id: text().primaryKey(),
    tokenId: text("token_id")
      .notNull()
      .references(() => apiTokens.id),
    secretSha256: text("secret_sha256").notNull(),
    csrfSha256: text("csrf_sha256").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  // Revoking a token ends its sessions.
  (t) => [index("api_sessions_token_idx").on(t.tokenId)],
);

/** The first answer to a creating POST sent with an `Idempotency-Key`, replayed for a repeat. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** Keys are scoped per token: two clients may pick the same key. */
    actorId: text("actor_id").notNull(),
    key: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    requestSha256: text("request_sha256").notNull(),
    status: integer().notNull(),
    contentType: text("content_type"),
    body: text().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);

// ---------------------------------------------------------------------------------------------
// Follow-up after placement (issue 8): who was placed where, with the prediction at the time, and
// how they were appraised afterwards.

/** Where a placement came from: an accepted suggestion, a carried-out exchange plan, or entered by hand. */
export const PLACEMENT_SOURCES = ["suggestion", "exchange-plan", "manual"] as const;
/** 年度考核等次: 优秀 / 称职 / 基本称职 / 不称职 (scoring/validity.ts orders them 4 … 1). */
export const APPRAISAL_GRADES = GRADES;

/**
 * 任职 — a cadre placed in a post of a region's team, with what banzi predicted at the time: the
 * person–post fit, the team's score and components, and the scoring-profile version used. Rows are
 * history: a cadre with placements cannot be deleted (409) until they are.
 */
export const placements = sqliteTable(
  "placements",
  {
    id: text().primaryKey(),
    cadreId: text("cadre_id")
      .notNull()
      .references(() => cadres.id),
    /** The stored team the seat belongs to; null when the placement was outside one, or the team was deleted. */
    teamId: text("team_id").references(() => teams.id, { onDelete: "set null" }),
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    postCode: text("post_code")
      .notNull()
      .references(() => postTypes.code),
    placedOn: text("placed_on").notNull(),
    source: text({ enum: PLACEMENT_SOURCES }).notNull(),
    /** The suggestion request or exchange plan (job) id; null for manual placements. */
    sourceId: text("source_id"),
    /** Person–post fit in [0, 1] at the time. */
    fit: real().notNull(),
    teamScore: real("team_score").notNull(),
    components: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    profileVersion: integer("profile_version")
      .notNull()
      .references(() => scoringProfiles.version),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    check("placements_source_ck", inList("source", PLACEMENT_SOURCES)),
    check("placements_fit_ck", sql`fit between 0 and 1`),
    check("placements_manual_ck", sql`source = 'manual' or source_id is not null`),
    // A suggestion or plan is carried out once: the same cadre from the same source twice is a 409.
    uniqueIndex("placements_source_cadre_uq")
      .on(t.source, t.sourceId, t.cadreId)
      .where(sql`source_id is not null`),
    // The list filters and the follow-up list (latest placement per cadre).
    index("placements_cadre_idx").on(t.cadreId, t.placedOn),
    index("placements_team_idx").on(t.teamId),
    index("placements_region_post_idx").on(t.regionCode, t.postCode),
  ],
);

/** 年度考核 — one annual appraisal of a placement; one per year (a second for the same year is a 409). */
export const placementOutcomes = sqliteTable(
  "placement_outcomes",
  {
    placementId: text("placement_id")
      .notNull()
      .references(() => placements.id, { onDelete: "cascade" }),
    year: integer().notNull(),
    grade: text({ enum: APPRAISAL_GRADES }).notNull(),
    /** Structured follow-up notes (free keys, e.g. `{ "text": "…", "adjustment": "…" }`). */
    notes: text({ mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.placementId, t.year] }),
    check("placement_outcomes_grade_ck", inList("grade", APPRAISAL_GRADES)),
    check("placement_outcomes_year_ck", sql`year between 1950 and 2200`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Stale markers (issue 14): every write to what scoring reads is logged by triggers (migration
// 0009) in the write's own transaction; a saved result is stale while a logged change after its
// basis affects it (src/services/staleness/).

/** What a change-log row is about: the table written, named by what it holds. */
export const CHANGE_KINDS = [
  "assessment",
  "cadre",
  "kin",
  "skill",
  "preference",
  "seat",
  "team",
  "profile",
] as const;
export const CHANGE_OPS = ["insert", "update", "delete"] as const;

/**
 * The change log (outbox): one row per written row of a table scoring reads, written ONLY by the
 * triggers of migration 0009, so no path into the database — a route, an import, a placement, a
 * command-line tool, a future bug — can write without leaving its row. `seq` orders the changes; a
 * saved result records the `seq` it read at (`result_freshness.basis_seq`).
 */
export const dataChanges = sqliteTable(
  "data_changes",
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    /** The database's clock (triggers cannot see the app's). */
    at: text().notNull(),
    kind: text({ enum: CHANGE_KINDS }).notNull(),
    op: text({ enum: CHANGE_OPS }).notNull(),
    /** The cadre the row is about (a seat's holder before or after; the first of a kin pair). */
    cadreId: text("cadre_id"),
    /** The kin pair's other cadre, the skill, the assessment id or the profile version. */
    otherId: text("other_id"),
    teamId: text("team_id"),
    /** Which fields changed, and the values a candidate pool filters on before and after. */
    detail: text({ mode: "json" }).$type<Record<string, unknown>>(),
  },
  () => [
    check("data_changes_kind_ck", inList("kind", CHANGE_KINDS)),
    check("data_changes_op_ck", inList("op", CHANGE_OPS)),
  ],
);

/** The saved results that can go stale: a suggestion request, an exchange plan (its job), a team's stored score. */
export const SAVED_RESULT_KINDS = ["suggestion", "exchange-plan", "team-score"] as const;

/**
 * How far each saved result is known to be current: it read the data as of change `basisSeq`; the
 * re-rank job advances it, and records its last failure to re-rank (kept until one succeeds). A
 * result without a row read the data as of change 0.
 */
export const resultFreshness = sqliteTable(
  "result_freshness",
  {
    kind: text({ enum: SAVED_RESULT_KINDS }).notNull(),
    id: text().notNull(),
    basisSeq: integer("basis_seq").notNull(),
    /** The last re-rank that failed for it: `{ code, message, jobId, at }`; null once one succeeds. */
    failure: text({ mode: "json" }).$type<{ code: string; message: string; jobId: string; at: string }>(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.id] }),
    check("result_freshness_kind_ck", inList("kind", SAVED_RESULT_KINDS)),
  ],
);
