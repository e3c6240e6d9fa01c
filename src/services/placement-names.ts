/**
 * Names for the messages of placing (accept, carry-out, manual): staff read team and region names
 * (平湖县党政领导班子, 平湖县), not ids — an id is added in brackets so the message still points at
 * one row, and a saved scenario's UUID is never all a message says.
 */
import type { DbOrTx } from "../../db/client";
import { findRegion } from "../../db/queries/regions";
import { findTeamRow } from "../../db/queries/teams";

/** A team as messages name it. */
export interface TeamName {
  id: string;
  /** The team's own name, or null when it has none (then the region's name stands for it). */
  name: string | null;
  kind: "current" | "scenario";
  region: string;
  regionName: string;
}

/** A region's name with its code: `平湖县 (XJ08)`; the code alone when it is unknown. */
export const regionLabel = (code: string, name: string | undefined) => (name ? `${name} (${code})` : code);

/** `平湖县党政领导班子 (T-XJ08)`; a team without a name reads `平湖县 team (T-XJ08)`. */
export function teamLabel(team: TeamName, lang: "zh" | "en" = "en"): string {
  const name = team.name ?? (lang === "zh" ? `${team.regionName}班子` : `${team.regionName} team`);
  return lang === "zh" ? `${name}（${team.id}）` : `${name} (${team.id})`;
}

/**
 * Looks up names for messages, each team and region once per call site.
 *
 * @example
 * ```ts
 * const names = namer(tx);
 * const team = await names.team("T-XJ08"); // { name: "平湖县党政领导班子", regionName: "平湖县", … }
 * ```
 */
export function namer(db: DbOrTx) {
  const regions = new Map<string, string | undefined>();
  const teams = new Map<string, TeamName | undefined>();
  // Sequential lookups (a transaction runs one statement at a time), each kept for the next message.
  const region = async (code: string) => {
    if (!regions.has(code)) regions.set(code, (await findRegion(db, code))?.name);
    return regions.get(code);
  };
  const team = async (id: string) => {
    if (!teams.has(id)) {
      const row = await findTeamRow(db, id);
      teams.set(
        id,
        row && {
          id: row.id,
          name: row.name,
          kind: row.kind,
          region: row.regionCode,
          regionName: (await region(row.regionCode)) ?? row.regionCode,
        },
      );
    }
    return teams.get(id);
  };
  return {
    /** The region's name (its code when unknown). */
    regionName: async (code: string) => (await region(code)) ?? code,
    /** `平湖县 (XJ08)`. */
    region: async (code: string) => regionLabel(code, await region(code)),
    team,
  };
}

export type Namer = ReturnType<typeof namer>;
