import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { postTypes, scoringProfiles } from "../schema";

export type ScoringProfileRow = typeof scoringProfiles.$inferSelect;

export async function latestProfileRow(db: DbOrTx): Promise<ScoringProfileRow | undefined> {
  const [row] = await db.select().from(scoringProfiles).orderBy(desc(scoringProfiles.version)).limit(1);
  return row;
}

export async function latestProfileVersion(db: DbOrTx): Promise<number | undefined> {
  const [row] = await db
    .select({ version: scoringProfiles.version })
    .from(scoringProfiles)
    .orderBy(desc(scoringProfiles.version))
    .limit(1);
  return row?.version;
}

export async function profileRow(db: DbOrTx, version: number): Promise<ScoringProfileRow | undefined> {
  const [row] = await db.select().from(scoringProfiles).where(eq(scoringProfiles.version, version)).limit(1);
  return row;
}

export async function listProfileVersions(db: DbOrTx) {
  return db
    .select({
      version: scoringProfiles.version,
      name: scoringProfiles.name,
      note: scoringProfiles.note,
      createdAt: scoringProfiles.createdAt,
    })
    .from(scoringProfiles)
    .orderBy(desc(scoringProfiles.version));
}

export async function insertProfile(db: DbOrTx, row: typeof scoringProfiles.$inferInsert): Promise<void> {
  await db.insert(scoringProfiles).values(row);
}

export async function allPostTypeRows(db: DbOrTx) {
  return db.select().from(postTypes);
}
