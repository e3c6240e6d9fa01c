/** A candidate pool: which stored cadres a search may place (suggestions and exchange plans). */
import type { PoolFilter } from "../../db/queries/suggestions";
import type { RANKS } from "../../db/schema";

/** Who may be suggested (or moved in an exchange plan): filters and include/exclude lists. */
export interface PoolInput {
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  region?: string | undefined;
  rank?: (typeof RANKS)[number] | undefined;
  reserve?: boolean | undefined;
  skills?: string[] | undefined;
}

/** Finds the ids of the cadres a filter matches. */
export type PoolFinder = (filter: PoolFilter) => Promise<string[]>;

/**
 * The ids a pool names: its filters' matches (reserve cadres when it has no filter), plus include,
 * minus exclude and minus `leaving` out (e.g. the team's own holders).
 */
export async function poolIds(
  findPool: PoolFinder,
  filter: PoolInput,
  leaving: Iterable<string>,
): Promise<string[]> {
  const anyFilter =
    filter.region !== undefined ||
    filter.rank !== undefined ||
    filter.reserve !== undefined ||
    (filter.skills?.length ?? 0) > 0;
  const ids = new Set(await findPool(anyFilter ? filter : { reserve: true }));
  for (const id of filter.include ?? []) ids.add(id);
  for (const id of filter.exclude ?? []) ids.delete(id);
  for (const id of leaving) ids.delete(id);
  return [...ids];
}
