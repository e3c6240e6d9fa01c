import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe("regions", () => {
  it("creates a city and a county, reads, lists, updates and deletes", async () => {
    const city = await t.post("/v1/regions", {
      code: "JJ",
      name: "九江市",
      nameEn: "Jiujiang",
      level: "city",
    });
    expect(city.status).toBe(201);
    const county = await t.post("/v1/regions", {
      code: "JJ-01",
      name: "浔阳县",
      level: "county",
      parent: "JJ",
    });
    expect(county.status).toBe(201);
    expect(await county.json()).toMatchObject({ code: "JJ-01", parent: "JJ", nameEn: null });

    const list = await t.get("/v1/regions?parent=JJ");
    expect((await list.json()).items.map((r: { code: string }) => r.code)).toEqual(["JJ-01"]);

    const patched = await t.patch("/v1/regions/JJ-01", { nameEn: "Xunyang" });
    expect(await patched.json()).toMatchObject({ nameEn: "Xunyang", name: "浔阳县" });

    const inUse = await t.del("/v1/regions/JJ");
    expect(inUse.status).toBe(409);
    expect((await problem(inUse)).code).toBe("in_use");

    expect((await t.del("/v1/regions/JJ-01")).status).toBe(204);
    expect((await t.get("/v1/regions/JJ-01")).status).toBe(404);
  });

  it("rejects a duplicate code, a county without parent and unknown fields", async () => {
    await t.post("/v1/regions", { code: "X", name: "X", level: "city" });
    const dup = await t.post("/v1/regions", { code: "X", name: "Y", level: "city" });
    expect(dup.status).toBe(409);
    expect(await problem(dup)).toMatchObject({ code: "duplicate", field: "code" });

    const orphan = await t.post("/v1/regions", { code: "Y", name: "Y", level: "county" });
    expect(await problem(orphan)).toMatchObject({ code: "validation_failed", field: "parent" });

    const extra = await t.post("/v1/regions", { code: "Z", name: "Z", level: "city", mayor: "someone" });
    expect(extra.status).toBe(422);
    expect(await problem(extra)).toMatchObject({ code: "validation_failed", field: "mayor" });
  });

  it("answers malformed JSON, a wrong method and a wrong media type with problems", async () => {
    const bad = await t.post("/v1/regions", "{ not json");
    expect(bad.status).toBe(400);
    expect((await problem(bad)).code).toBe("malformed_json");

    const put = await t.put("/v1/regions", { code: "Q" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toContain("POST");

    const text = await t.app.request("/v1/regions", {
      method: "POST",
      body: "code=1",
      headers: { "content-type": "text/plain", ...t.bearer("admin") },
    });
    expect(text.status).toBe(415);
    expect((await problem(text)).code).toBe("unsupported_media_type");
  });
});
