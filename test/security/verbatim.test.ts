/**
 * SQL-looking and script-looking strings in every free-text field are stored and returned exactly
 * as sent — data, never executed (queries are parameterised; JSON answers are not HTML).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedRegions } from "../routes/fixtures";
import { type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
});
afterAll(() => t.close());

/** Hostile text that passes each field's own limits (≤ 40 characters, no control characters). */
const HOSTILE = [
  "Robert'); DROP TABLE cadres;--",
  "' OR '1'='1",
  "1; DELETE FROM audit_events",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is the hostile part
  "{{7*7}} ${7*7} %s %n",
  "张伟\"; UPDATE cadres SET name='x",
  "\\u0000 \\x27 \\\\",
];

describe("hostile strings", () => {
  it("are stored and returned verbatim in every text field, and no table is touched", async () => {
    const tablesBefore = Object.keys(await rowCounts(t.db));
    for (const [i, text] of HOSTILE.entries()) {
      const region = await t.post("/v1/regions", { code: `H${i}`, name: text, nameEn: text, level: "city" });
      expect(region.status, text).toBe(201);
      expect(await region.json()).toMatchObject({ name: text, nameEn: text });
      expect(await (await t.get(`/v1/regions/H${i}`)).json()).toMatchObject({ name: text, nameEn: text });

      const post = await t.post("/v1/post-types", {
        code: `hp${i}`,
        name: text,
        nameEn: text,
        requiredSkills: [text],
      });
      expect(post.status, text).toBe(201);
      expect(await (await t.get(`/v1/post-types/hp${i}`)).json()).toMatchObject({
        name: text,
        nameEn: text,
        requiredSkills: [text],
      });

      const cadre = await t.post("/v1/cadres", {
        id: `hc${i}`,
        name: text,
        gender: "male",
        birthYear: 1980,
        education: "master",
        birthRegion: "CT01",
        growthRegion: "CT01",
        rank: "section",
        skills: [{ skill: text, level: 3 }],
      });
      expect(cadre.status, text).toBe(201);
      const read = (await (await t.get(`/v1/cadres/hc${i}`)).json()) as {
        name: string;
        skills: { skill: string }[];
      };
      expect(read.name).toBe(text);
      expect(read.skills[0]?.skill).toBe(text);
      expect((await t.patch(`/v1/cadres/hc${i}`, { name: `${text}!` })).status).toBe(200);
      expect(((await (await t.get(`/v1/cadres/hc${i}`)).json()) as { name: string }).name).toBe(`${text}!`);

      const team = await t.post("/v1/teams", { id: `ht${i}`, region: "CT01", name: text, seats: [] });
      expect(team.status, text).toBe(201);
      expect(((await (await t.get(`/v1/teams/ht${i}`)).json()) as { name: string }).name).toBe(text);

      const token = await t.post("/v1/tokens", { role: "scorer", name: text });
      expect(token.status, text).toBe(201);
      expect(((await token.json()) as { name: string }).name).toBe(text);

      const profile = await t.post("/v1/scoring-profiles", { name: text, note: text });
      expect([200, 201], text).toContain(profile.status);
      expect(await profile.json()).toMatchObject({ name: text });
    }
    const names = (await t.db.all<{ name: string }>(sql`select name from cadres order by id`)).map(
      (r) => r.name,
    );
    expect(names).toEqual(expect.arrayContaining(HOSTILE.map((h) => `${h}!`)));
    expect(Object.keys(await rowCounts(t.db))).toEqual(tablesBefore);
    const listed = (await (await t.get("/v1/cadres?limit=200")).json()) as { items: unknown[] };
    expect(listed.items.length).toBe(HOSTILE.length);
  });

  it("are answered as JSON, never as HTML", async () => {
    const res = await t.get("/v1/regions/H3");
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.text()).toContain("<script>alert(1)</script>");
  });
});
