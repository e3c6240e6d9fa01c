/**
 * A placement entered by hand (made outside banzi, or before it): scored now by the current
 * profile, stored once, and — when it is the cadre's latest — setting the cadre's record
 * (src/services/placement-record.ts). It records a fact; it does not edit seats (the seat routes do).
 */
import { type Db, writeTransaction } from "../../db/client";
import { findRegion } from "../../db/queries/regions";
import * as tq from "../../db/queries/teams";
import type { Text } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { invalid } from "../lib/problem";
import { loadMembers } from "./members";
import { namer, teamLabel } from "./placement-names";
import { type RecordChange, recordPlacements } from "./placement-record";
import { type PlacementView, scoreSeats, today } from "./placements";
import { currentProfile } from "./scoring-profiles";

export interface ManualPlacementInput {
  cadreId: string;
  region: string;
  post: string;
  placedOn: string;
  teamId?: string | undefined;
}

/** A manual placement as POST /v1/placements answers it. */
export type ManualPlacement = PlacementView & { record: RecordChange; message: Text };

/**
 * The team a manual placement is scored in: the given team, else the region's one current team;
 * the cadre takes the first seat of the post (a vacant one if any), or a seat added for it.
 */
async function teamFor(db: Db, input: ManualPlacementInput) {
  let teamId = input.teamId;
  if (teamId === undefined) {
    const current = await tq.listTeamRows(db, { limit: 2, region: input.region, kind: "current" });
    if (current.length === 1) teamId = current[0]?.id;
  }
  if (teamId === undefined)
    return { teamId: null, seats: [{ post: input.post, cadreId: input.cadreId as string | null }] };
  const row = await tq.findTeamRow(db, teamId);
  if (!row) throw invalid("teamId", `no team '${teamId}'`, "unknown_reference");
  if (row.regionCode !== input.region) {
    const names = namer(db);
    throw invalid(
      "teamId",
      `team ${row.name ?? teamId} (${teamId}) is in ${await names.region(row.regionCode)}, not ${await names.region(input.region)}`,
    );
  }
  const [team] = await tq.withSeats(db, [row]);
  const seats = (team?.seats ?? []).map((s) => ({
    post: s.postCode,
    cadreId: s.cadreId === input.cadreId && s.postCode !== input.post ? null : s.cadreId,
  }));
  if (!seats.some((s) => s.post === input.post && s.cadreId === input.cadreId)) {
    const samePost = seats.filter((s) => s.post === input.post);
    const target = samePost.find((s) => s.cadreId === null) ?? samePost[0];
    if (target) target.cadreId = input.cadreId;
    else seats.push({ post: input.post, cadreId: input.cadreId });
  }
  return { teamId, seats };
}

/**
 * Records a placement made outside banzi (or before it), with fit and team score computed now by
 * the current scoring profile. Unknown cadre, region, post or team → 422 naming the field; the same
 * placement stored before (same cadre, team, post and date) → 409 `duplicate`.
 */
export async function createPlacement(
  services: RequestServices,
  input: ManualPlacementInput,
): Promise<ManualPlacement> {
  const profile = await currentProfile(services);
  const found = (await loadMembers(services.db, [input.cadreId], profile.asOfYear)).get(input.cadreId);
  if (!found?.ok)
    throw found?.reason === "no_assessment"
      ? invalid(
          "cadreId",
          `cadre '${input.cadreId}' has no assessment to compute a fit from`,
          "no_assessment",
        )
      : invalid("cadreId", `no cadre '${input.cadreId}'`, "unknown_reference");
  if (!(await findRegion(services.db, input.region)))
    throw invalid("region", `no region '${input.region}'`, "unknown_reference");
  const post = profile.posts[input.post];
  if (!post)
    throw invalid(
      "post",
      `no post type '${input.post}' in scoring profile v${profile.version}`,
      "unknown_reference",
    );
  const team = await teamFor(services.db, input);
  const { summary } = await scoreSeats(services.db, profile, input.region, team.seats);
  const seat = team.seats.findIndex((s) => s.cadreId === input.cadreId && s.post === input.post);
  return writeTransaction(services.db, async (tx) => {
    const names = namer(tx);
    const { placements, records } = await recordPlacements(tx, services, names, today(services.clock), [
      {
        cadreId: input.cadreId,
        teamId: team.teamId,
        region: input.region,
        post: input.post,
        placedOn: input.placedOn,
        source: "manual",
        sourceId: null,
        fit: summary.seats[seat]?.fit ?? 0,
        teamScore: summary.score,
        components: { ...summary.components, feasible: summary.feasible },
        profileVersion: profile.version,
      },
    ]);
    const record = records[0] as RecordChange;
    const stored = team.teamId ? await names.team(team.teamId) : undefined;
    const where: Text = stored
      ? { zh: teamLabel(stored, "zh"), en: teamLabel(stored) }
      : { zh: await names.region(input.region), en: await names.region(input.region) };
    const message: Text = {
      zh: `已记录${record.name}（${record.cadreId}）于 ${input.placedOn} 任${where.zh}${post.name}。${
        record.updated ? "干部信息已更新为该职务。" : (record.note?.zh ?? "")
      }`,
      en: `Recorded ${record.name} (${record.cadreId}) as ${post.nameEn} of ${where.en} from ${input.placedOn}. ${
        record.updated ? "Their record now shows this post." : (record.note?.en ?? "")
      }`.trim(),
    };
    return { ...(placements[0] as PlacementView), record, message };
  });
}
