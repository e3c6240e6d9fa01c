/**
 * `npm run seed:demo [-- --seed N] [--url URL]`: migrates, then loads the demo city into an empty
 * database. A database that already holds data is left alone (exit code 1), so real records are
 * never mixed with invented ones.
 */
import { parseArgs } from "node:util";
import { NodeEnvSchema, parseEnv } from "../../src/env";
import { migrateDb, openNodeDb } from "../node";
import { DEMO_SEED } from "./demo-city";
import { isEmpty, loadDemoCity } from "./load";

const { values } = parseArgs({
  options: { url: { type: "string" }, seed: { type: "string" } },
  strict: true,
});
const env = parseEnv(NodeEnvSchema, { ...process.env, ...(values.url ? { DATABASE_URL: values.url } : {}) });
const seed = values.seed === undefined ? DEMO_SEED : Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error("banzi: --seed must be an integer");
  process.exit(2);
}
const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
try {
  await migrateDb(db);
  if (!(await isEmpty(db))) {
    console.error("banzi: the database already holds data; the demo city is only loaded into an empty one.");
    process.exitCode = 1;
  } else {
    const loaded = await loadDemoCity(db, new Date(), seed);
    console.log(`banzi: demo city loaded (seed ${seed}): ${JSON.stringify(loaded)}`);
  }
} finally {
  client.close();
}
