import { createApp } from "../../src/app";
import type { Clock } from "../../src/deps";
import { tempDb } from "./db";

/** A fixed clock, so timestamps in responses are predictable. */
export const fixedClock: Clock = { now: () => new Date("2026-11-25T08:00:00.000Z") };

/** The app on a fresh temporary database, with JSON helpers for `app.request()`. */
export async function testApp() {
  const database = await tempDb();
  let counter = 0;
  const app = createApp({ db: database.db, clock: fixedClock, newId: () => `id-${++counter}` });
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  return {
    app,
    db: database.db,
    close: database.close,
    get: (path: string) => send("GET", path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      send("POST", path, body, headers),
    patch: (path: string, body?: unknown) => send("PATCH", path, body),
    put: (path: string, body?: unknown) => send("PUT", path, body),
    del: (path: string) => send("DELETE", path),
    send,
  };
}

export type TestApp = Awaited<ReturnType<typeof testApp>>;

/** Asserts an RFC 9457 problem and returns its body. */
export async function problem(res: Response) {
  if (!res.headers.get("content-type")?.startsWith("application/problem+json"))
    throw new Error(
      `expected problem+json, got ${res.status} ${res.headers.get("content-type")}: ${await res.text()}`,
    );
  return (await res.json()) as {
    status: number;
    code: string;
    detail: string;
    field?: string;
    errors?: { field: string; code: string; message: string }[];
  };
}
