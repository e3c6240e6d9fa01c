/**
 * The one decision of what a logged change affects (`src/services/staleness/affects.ts`), on
 * hand-made changes and results: expected answers follow from what each result reads.
 */
import { describe, expect, it } from "vitest";
import type { DataChangeRow, PoolFacts } from "../../db/queries/staleness";
import { goneFacts, parseChange, type ResultReads, reasonFor } from "../../src/services/staleness/affects";

let seq = 0;
const change = (row: Partial<DataChangeRow> & Pick<DataChangeRow, "kind" | "op">) =>
  parseChange({
    seq: ++seq,
    at: "2026-12-01T00:00:00.000Z",
    cadreId: null,
    otherId: null,
    teamId: null,
    detail: null,
    ...row,
  });

const reads = (over: Partial<ResultReads> = {}): ResultReads => ({
  kind: "suggestion",
  id: "R1",
  teamIds: new Set(["T1"]),
  cadreIds: new Set(["H1", "L1"]),
  pool: {},
  preferences: false,
  profileVersion: 3,
  ...over,
});

const facts = (entries: [string, Partial<PoolFacts>][]) =>
  new Map<string, PoolFacts>(
    entries.map(([id, f]) => [id, { region: "X1", rank: "section", reserve: true, skills: new Set(), ...f }]),
  );
const none = new Map<string, PoolFacts>();

describe("reasonFor", () => {
  it("a holder's or listed cadre's assessment affects; an outsider's (not in the pool) does not", () => {
    const known = facts([["O1", { reserve: false }]]);
    expect(
      reasonFor(change({ kind: "assessment", op: "insert", cadreId: "H1" }), reads(), known, none)?.code,
    ).toBe("assessment_added");
    expect(
      reasonFor(change({ kind: "assessment", op: "insert", cadreId: "O1" }), reads(), known, none),
    ).toBeNull();
  });

  it("the default pool is the reserve cadres: a reserve cadre's new assessment affects", () => {
    const known = facts([["C1", { reserve: true }]]);
    expect(
      reasonFor(change({ kind: "assessment", op: "insert", cadreId: "C1" }), reads(), known, none)?.code,
    ).toBe("assessment_added");
  });

  it("a cadre leaving the pool (reserve flag cleared) affects: the pool is judged before and after", () => {
    const known = facts([["C1", { reserve: false }]]);
    const edit = change({
      kind: "cadre",
      op: "update",
      cadreId: "C1",
      detail: {
        fields: ["reserve"],
        before: { region: "X1", rank: "section", reserve: 1 },
        after: { region: "X1", rank: "section", reserve: 0 },
      },
    });
    expect(reasonFor(edit, reads(), known, none)).toMatchObject({
      code: "cadre_edited",
      fields: ["reserve"],
    });
    // With a pool of another region, neither before nor after matched.
    expect(reasonFor(edit, reads({ pool: { region: "X2" } }), known, none)).toBeNull();
  });

  it("include and exclude decide before the filters", () => {
    const known = facts([["C1", { reserve: false }]]);
    const c = change({ kind: "skill", op: "insert", cadreId: "C1", otherId: "finance" });
    expect(reasonFor(c, reads({ pool: { include: ["C1"] } }), known, none)?.code).toBe("skills_changed");
    const reserve = facts([["C1", { reserve: true }]]);
    expect(reasonFor(c, reads({ pool: { exclude: ["C1"] } }), reserve, none)).toBeNull();
  });

  it("a skill removed from a cadre a skills filter needed still affects", () => {
    const known = facts([["C1", { skills: new Set() }]]);
    const removed = change({ kind: "skill", op: "delete", cadreId: "C1", otherId: "finance" });
    expect(reasonFor(removed, reads({ pool: { skills: ["finance"] } }), known, none)?.code).toBe(
      "skills_changed",
    );
    expect(reasonFor(removed, reads({ pool: { skills: ["law"] } }), known, none)).toBeNull();
  });

  it("a kin link affects only when both cadres can be in the team", () => {
    const known = facts([
      ["O1", { reserve: false }],
      ["C1", { reserve: true }],
    ]);
    const outsider = change({
      kind: "kin",
      op: "insert",
      cadreId: "H1",
      otherId: "O1",
      detail: { relation: "lineal" },
    });
    expect(reasonFor(outsider, reads(), known, none)).toBeNull();
    const inside = change({
      kind: "kin",
      op: "insert",
      cadreId: "C1",
      otherId: "H1",
      detail: { relation: "lineal" },
    });
    expect(reasonFor(inside, reads(), known, none)).toMatchObject({
      code: "kin_added",
      cadreId: "C1",
      kinId: "H1",
      relation: "lineal",
    });
  });

  it("preferences affect exchange plans only", () => {
    const c = change({ kind: "preference", op: "insert", cadreId: "H1" });
    expect(reasonFor(c, reads(), none, none)).toBeNull();
    expect(reasonFor(c, reads({ kind: "exchange-plan", preferences: true }), none, none)?.code).toBe(
      "preferences_changed",
    );
  });

  it("seats and teams affect the results that read that team", () => {
    const seat = change({
      kind: "seat",
      op: "update",
      teamId: "T1",
      cadreId: null,
      detail: {
        before: { position: 4, post: "p", cadreId: "H1" },
        after: { position: 4, post: "p", cadreId: null },
      },
    });
    expect(reasonFor(seat, reads(), none, none)).toMatchObject({
      code: "seat_changed",
      position: 4,
      holders: { before: "H1", after: null },
    });
    expect(reasonFor(seat, reads({ teamIds: new Set(["T2"]) }), none, none)).toBeNull();
    expect(reasonFor(change({ kind: "team", op: "delete", teamId: "T1" }), reads(), none, none)?.code).toBe(
      "team_deleted",
    );
  });

  it("a profile version newer than the one used affects; an older or the same does not", () => {
    const v = (n: number) =>
      change({ kind: "profile", op: "insert", otherId: String(n), detail: { note: "x" } });
    expect(reasonFor(v(4), reads(), none, none)).toMatchObject({
      code: "profile_changed",
      profileVersion: 4,
    });
    expect(reasonFor(v(3), reads(), none, none)).toBeNull();
  });

  it("a deleted cadre is judged by the facts the deletion logged; unknown facts count as affected", () => {
    const deleted = change({
      kind: "cadre",
      op: "delete",
      cadreId: "C9",
      detail: { before: { region: "X2", rank: "section", reserve: 0 } },
    });
    const gone = goneFacts([deleted]);
    const cascaded = change({ kind: "assessment", op: "delete", cadreId: "C9" });
    expect(reasonFor(cascaded, reads(), none, gone)).toBeNull();
    expect(reasonFor(cascaded, reads({ pool: { region: "X2" } }), none, gone)?.code).toBe(
      "assessment_deleted",
    );
    expect(reasonFor(cascaded, reads(), none, none)?.code).toBe("assessment_deleted");
  });
});
