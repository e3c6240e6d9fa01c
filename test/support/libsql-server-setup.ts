/**
 * Starts the Hrana test server (our stand-in for a libSQL server) on a temporary file, applies the
 * migrations to it over HTTP from Node — the same path as `npm run db:migrate -- --url …` — and
 * hands its URL to the worker tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDb, openNodeDb } from "../../db/node";
import { startHranaServer } from "../support/hrana-server";

declare module "vitest" {
  export interface ProvidedContext {
    libsqlUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "banzi-worker-"));
  const server = await startHranaServer({ path: join(dir, "server.db") });
  const { db, client } = openNodeDb(server.url);
  await migrateDb(db);
  client.close();
  project.provide("libsqlUrl", server.url);
  return async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
