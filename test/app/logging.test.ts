import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp, describeForLog } from "../../src/app";
import { cadreBody, seedRegions, stens } from "../routes/fixtures";
import { testApp } from "../support/app";
import { tempDb } from "../support/db";

afterEach(() => vi.restoreAllMocks());

describe("error logging", () => {
  it("never writes an error's message (a failed query's message repeats its parameters)", () => {
    const cause = Object.assign(new Error("SQLITE_CONSTRAINT: params 张三, XJ03"), {
      code: "SQLITE_CONSTRAINT",
    });
    const error = new Error("Failed query: insert into cadres … params: 张三,1984,XJ03", { cause });
    const line = describeForLog(error);
    expect(line).toContain("SQLITE_CONSTRAINT");
    expect(line).not.toContain("张三");
    expect(line).not.toContain("XJ03");
  });

  it("answers an unexpected failure with a 500 problem that carries no details, and logs no values", async () => {
    const database = await tempDb();
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
    const app = createApp({
      db: () => {
        throw new Error("connection to libsql://secret-host failed for 张三");
      },
    });
    const res = await app.request("/v1/cadres");
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("internal");
    expect(body.detail).not.toContain("张三");
    expect(logged.join("\n")).not.toContain("张三");
    expect(logged.join("\n")).not.toContain("secret-host");
    database.close();
  });

  it("logs a failed query's kind, code and place, never its SQL or parameters (a planted name and stens)", async () => {
    const t = await testApp();
    try {
      await seedRegions(t);
      const logged: string[] = [];
      const capture = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
      vi.spyOn(console, "error").mockImplementation(capture);
      vi.spyOn(console, "warn").mockImplementation(capture);
      vi.spyOn(console, "log").mockImplementation(capture);
      // Every insert of a cadre or an assessment fails inside SQLite, after drizzle built its query.
      await t.db.run(
        sql.raw(
          "create trigger no_cadres before insert on cadres begin select raise(abort, 'planted failure'); end",
        ),
      );
      await t.db.run(
        sql.raw(
          "create trigger no_assessments before insert on assessments begin select raise(abort, 'planted failure'); end",
        ),
      );
      const name = "欧阳植入名";
      const cadre = await t.post("/v1/cadres", cadreBody({ id: "planted", name }));
      expect(cadre.status).toBe(500);
      await t.db.run(sql.raw("drop trigger no_cadres"));
      expect((await t.post("/v1/cadres", cadreBody({ id: "planted", name }))).status).toBe(201);
      const planted = stens(5, { A: 9, B: 1, C: 8, E: 2, F: 7, G: 3 });
      const assessment = await t.post("/v1/cadres/planted/assessments", {
        takenOn: "2024-05-01",
        stens: planted,
      });
      expect(assessment.status).toBe(500);

      const log = logged.join("\n");
      expect(logged.length).toBeGreaterThanOrEqual(2);
      // Kind and place are there…
      expect(log).toMatch(/Error/);
      expect(log).toMatch(/\.ts:\d+:\d+/);
      // …the query, its parameters and the planted values are not.
      expect(log).not.toContain(name);
      expect(log).not.toMatch(/params/i);
      expect(log).not.toMatch(/insert into/i);
      expect(log).not.toMatch(/9,\s*1,\s*8,\s*2,\s*7,\s*3/);
      expect(log).not.toContain("planted");
    } finally {
      t.close();
    }
  });
});
