/**
 * A fast structural check of `POST /v1/score` bodies. zod's validator costs about 100 µs for one
 * 9-seat team of inline members (async parsing skips its compiled fast path), more than scoring the
 * team; this check accepts exactly the well-formed bodies, in a few microseconds, and anything it
 * does not accept is handed to zod, which finds and names the problems. It must never accept a body
 * zod would reject: a property test checks that (test/lib/score-body.test.ts).
 */
import { EDUCATIONS, GENDERS, RANKS } from "../../db/schema";
import { FACTORS, type FactorCode } from "../../scoring/factors";
import type { Detail, TeamRequest } from "../services/scoring";
import { MAX_SEATS } from "../services/teams";

/** Many teams of one county with the same seats, each as its cadre ids in the order of `posts`. */
export interface AlternativesBody {
  region: string;
  posts: string[];
  alternatives: (string | null)[][];
  detail?: Detail;
}

export type ScoreBody =
  | (TeamRequest & { detail?: Detail })
  | { teams: TeamRequest[]; detail?: Detail }
  | AlternativesBody;

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const EDUCATION = new Set<unknown>(EDUCATIONS);
const GENDER = new Set<unknown>(GENDERS);
const RANK = new Set<unknown>(RANKS);
const FACTOR_COUNT = FACTORS.length;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isCode = (v: unknown) => typeof v === "string" && CODE.test(v);
/** A string zod's `.trim().min(1).max(n)` keeps as it is. */
const isTrimmed = (v: unknown, max: number) =>
  typeof v === "string" && v.length >= 1 && v.length <= max && v.trim().length === v.length;
const isInt = (v: unknown, min: number, max: number) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isSten = (v: unknown) => isInt(v, 1, 10);
const isYears = (v: unknown) =>
  v === null || (typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 60);
const nullableCode = (v: unknown) => v === null || isCode(v);

function isStens(v: unknown): boolean {
  if (!isObject(v)) return false;
  let count = 0;
  for (const _ in v) if (++count > FACTOR_COUNT) return false;
  if (count !== FACTOR_COUNT) return false;
  // Read by name: one inline-cached load per factor (a loop over FACTORS reads by computed key).
  const { A, B, C, E, F, G, H, I, L, M, N, O, Q1, Q2, Q3, Q4 } = v as Record<FactorCode, unknown>;
  return (
    isSten(A) &&
    isSten(B) &&
    isSten(C) &&
    isSten(E) &&
    isSten(F) &&
    isSten(G) &&
    isSten(H) &&
    isSten(I) &&
    isSten(L) &&
    isSten(M) &&
    isSten(N) &&
    isSten(O) &&
    isSten(Q1) &&
    isSten(Q2) &&
    isSten(Q3) &&
    isSten(Q4)
  );
}

function isSkill(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const key in v) if (key !== "skill" && key !== "level") return false;
  return isTrimmed(v.skill, 40) && isInt(v.level, 1, 5);
}

/** One check per key of the inline member schema; a key not listed here is refused. */
const MEMBER_KEYS: Record<string, (v: unknown) => boolean> = {
  id: (v) => isTrimmed(v, 64),
  stens: isStens,
  birthRegion: nullableCode,
  growthRegion: nullableCode,
  currentRegion: nullableCode,
  currentPost: nullableCode,
  age: (v) => v === null || isInt(v, 18, 80),
  gender: (v) => v === null || GENDER.has(v),
  education: (v) => v === null || EDUCATION.has(v),
  rank: (v) => v === null || RANK.has(v),
  skills: (v) => Array.isArray(v) && v.length <= 50 && v.every(isSkill),
  yearsInPost: isYears,
  yearsInLocality: isYears,
  serviceYears: isYears,
  grassrootsYears: isYears,
  kin: (v) => Array.isArray(v) && v.length <= 50 && v.every((k) => isTrimmed(k, 64)),
};

function isMember(v: unknown): boolean {
  if (!isObject(v) || v.stens === undefined) return false;
  for (const key in v) {
    const check = MEMBER_KEYS[key];
    // zod treats an explicit undefined like an absent optional key.
    if (!check || (v[key] !== undefined && !check(v[key]))) return false;
  }
  return true;
}

function isSeat(v: unknown): boolean {
  if (!isObject(v) || !isCode(v.post)) return false;
  for (const key in v) if (key !== "post" && key !== "cadreId" && key !== "member") return false;
  const { cadreId, member } = v;
  if (cadreId !== undefined && cadreId !== null && !(typeof cadreId === "string" && ID.test(cadreId)))
    return false;
  if (member !== undefined && !isMember(member)) return false;
  return !(cadreId && member !== undefined);
}

function isTeam(v: unknown, extraKey?: string): boolean {
  if (!isObject(v) || !isCode(v.region)) return false;
  for (const key in v) if (key !== "region" && key !== "seats" && key !== extraKey) return false;
  const seats = v.seats;
  return Array.isArray(seats) && seats.length >= 1 && seats.length <= MAX_SEATS && seats.every(isSeat);
}

const isDetail = (v: unknown) => v === undefined || v === "summary" || v === "full" || v === "scores";

function isAlternatives(v: Record<string, unknown>, maxTeams: number): boolean {
  for (const key in v)
    if (key !== "region" && key !== "posts" && key !== "alternatives" && key !== "detail") return false;
  const { posts, alternatives } = v;
  if (!isCode(v.region) || !Array.isArray(posts) || posts.length < 1 || posts.length > MAX_SEATS)
    return false;
  if (!posts.every(isCode)) return false;
  if (!Array.isArray(alternatives) || alternatives.length < 1 || alternatives.length > maxTeams) return false;
  const n = posts.length;
  for (const team of alternatives) {
    if (!Array.isArray(team) || team.length !== n) return false;
    for (let s = 0; s < n; s++) {
      const id = team[s];
      if (id !== null && !(typeof id === "string" && ID.test(id))) return false;
    }
  }
  return true;
}

/** The body when it is well formed (as zod would accept it unchanged), otherwise undefined. */
export function readScoreBody(value: unknown, maxTeams: number): ScoreBody | undefined {
  if (!isObject(value) || !isDetail(value.detail)) return undefined;
  if ("alternatives" in value)
    return isAlternatives(value, maxTeams) ? (value as unknown as AlternativesBody) : undefined;
  if ("teams" in value) {
    for (const key in value) if (key !== "teams" && key !== "detail") return undefined;
    const teams = value.teams;
    if (!Array.isArray(teams) || teams.length < 1 || teams.length > maxTeams) return undefined;
    for (const team of teams) if (!isTeam(team)) return undefined;
    return value as ScoreBody;
  }
  return isTeam(value, "detail") ? (value as ScoreBody) : undefined;
}
