/**
 * `npm run db:migrate [-- --url URL] [--auth-token TOKEN]`: applies the committed migrations to the
 * embedded file (default) or to a libSQL server — the worker never migrates; this does it from Node.
 * `DATABASE_URL` and `DATABASE_AUTH_TOKEN` are read when the flags are absent.
 */
import { parseArgs } from "node:util";
import { NodeEnvSchema, parseEnv } from "../src/env";
import { migrateDb, openNodeDb } from "./node";

const { values } = parseArgs({
  options: { url: { type: "string" }, "auth-token": { type: "string" } },
  strict: true,
});
const env = parseEnv(NodeEnvSchema, {
  ...process.env,
  ...(values.url ? { DATABASE_URL: values.url } : {}),
  ...(values["auth-token"] ? { DATABASE_AUTH_TOKEN: values["auth-token"] } : {}),
});
const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
try {
  await migrateDb(db);
  console.log(`banzi: migrations applied to ${env.DATABASE_URL.replace(/\/\/[^@/]*@/, "//***@")}`);
} catch (error) {
  console.error(`banzi: migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  client.close();
}
