/**
 * Field-level access on `POST /v1/score`: a seat may name a stored cadre (`cadreId`), whose
 * assessment and facts are then read from the database. A scorer may score inline members only;
 * for other roles the read goes into the audit trail.
 */
import type { Context } from "hono";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/router";
import type { ScoreBody } from "../lib/score-body";

/** The stored cadres a score body names (each once). */
export function storedCadreIds(body: ScoreBody): string[] {
  const ids = new Set<string>();
  if ("alternatives" in body) {
    for (const team of body.alternatives) for (const id of team) if (id) ids.add(id);
    return [...ids];
  }
  const teams = "teams" in body ? body.teams : [body];
  for (const team of teams) for (const seat of team.seats) if (seat.cadreId) ids.add(seat.cadreId);
  return [...ids];
}

/** Refuses a scorer's stored cadres (403); records other roles' reads of them. Cheap without any. */
export function guardStoredCadres(c: Context<AppEnv>, body: ScoreBody): void {
  const ids = storedCadreIds(body);
  if (ids.length === 0) return;
  if (c.get("auth")?.role === "scorer")
    throw new ApiError(
      "forbidden",
      "A scorer may score inline members only: a seat's cadreId reads a stored cadre's personal data.",
      { field: "alternatives" in body ? "alternatives" : "seats.cadreId" },
    );
  c.get("audit")?.extra.push({
    action: "read",
    objectType: "cadre",
    objectIds: ids,
    fields: [
      "assessment.stens",
      "birthRegion",
      "growthRegion",
      "kin",
      "birthYear",
      "gender",
      "education",
      "rank",
    ],
  });
}
