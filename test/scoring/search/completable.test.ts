import { describe, expect, it } from "vitest";
import { FACTORS, type FactorRecord } from "../../../scoring/factors";
import { scoreTeam } from "../../../scoring/score-team";
import { completability } from "../../../scoring/search";
import type { Member, Team } from "../../../scoring/types";
import { profile } from "./helpers";

const REGION = "R01";
const stens = Object.fromEntries(FACTORS.map((f) => [f, 6])) as FactorRecord;
const outsider = (id: string): Member => ({ id, stens, birthRegion: "R09", growthRegion: "R09" });
const local = (id: string): Member => ({ id, stens, birthRegion: REGION, growthRegion: REGION });

/**
 * Four seats: a local and an outsider as deputy heads, and two vacant avoidance posts (R1: no
 * local may hold them). The members present meet R10 (⌈2/3⌉ = 1 local), but the complete team
 * needs ⌈4/3⌉ = 2, and only a vacancy could bring the second: nobody can complete it.
 */
const avoidanceOnly: Team = {
  region: REGION,
  seats: [
    { post: "deputy-head", member: local("L0") },
    { post: "deputy-head", member: outsider("X1") },
    { post: "party-secretary", member: null },
    { post: "discipline-secretary", member: null },
  ],
};

describe("completability", () => {
  it("is null for a complete team (feasible says it all)", () => {
    const team: Team = { region: REGION, seats: [{ post: "deputy-head", member: local("A") }] };
    expect(completability(team, profile)).toBeNull();
  });

  it("a team that is feasible now but can never reach R10's locals reads completable false, naming R10 and the avoidance seats", () => {
    expect(scoreTeam(avoidanceOnly, profile).feasible).toBe(true);
    const c = completability(avoidanceOnly, profile);
    expect(c).toMatchObject({ value: false, pool: "any" });
    expect(c?.reasons.map((r) => r.rule)).toEqual(["R10"]);
    const message = c?.reasons[0]?.message;
    expect(message?.en).toContain("needs at least 2 local cadres; it has 1 and can reach at most 1");
    expect(message?.en).toContain(
      "seat 3 (County Party Secretary), seat 4 (Discipline Inspection Secretary)",
    );
    expect(message?.zh).toContain("县委书记 (第3席)");
  });

  it("a vacancy a local may hold makes it completable by someone (any pool), but not by a pool of outsiders", () => {
    const team: Team = {
      ...avoidanceOnly,
      seats: [...avoidanceOnly.seats, { post: "deputy-head", member: null }],
    };
    expect(completability(team, profile)).toEqual({ value: true, pool: "any", reasons: [] });
    const outsiders = ["P1", "P2", "P3", "P4"].map(outsider);
    expect(completability(team, profile, outsiders)).toMatchObject({
      value: false,
      pool: "given",
      reasons: [{ rule: "R10" }],
    });
    expect(completability(team, profile, [...outsiders, local("P5")])).toEqual({
      value: true,
      pool: "given",
      reasons: [],
    });
  });

  it("an empty pool cannot fill a vacancy", () => {
    const team: Team = {
      region: REGION,
      seats: [
        { post: "deputy-head", member: local("A") },
        { post: "deputy-head", member: null },
      ],
    };
    expect(completability(team, profile, [])).toMatchObject({ value: false, reasons: [{ rule: "pool" }] });
  });

  it("a present member who breaks a hard rule makes it incomplete for any pool, naming the seat and rule", () => {
    const team: Team = {
      region: REGION,
      seats: [
        { post: "party-secretary", member: local("L1") }, // R1: a local in an avoidance post
        { post: "deputy-head", member: null },
      ],
    };
    const c = completability(team, profile);
    expect(c?.value).toBe(false);
    expect(c?.reasons).toContainEqual(expect.objectContaining({ rule: "R1", seat: 0, memberIds: ["L1"] }));
  });
});
