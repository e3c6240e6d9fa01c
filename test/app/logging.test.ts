import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp, describeForLog } from "../../src/app";
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
});
