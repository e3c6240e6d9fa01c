/**
 * `npm run token -- COMMAND [--url URL] [--auth-token TOKEN]`: API tokens from the command line,
 * against the embedded file (default) or a libSQL server, as `db:migrate` does. Migrates first.
 *
 *   create --role admin|staff|scorer|auditor --name NAME [--expires-in-days N]
 *            prints the new token once (only its SHA-256 is stored)
 *   list     prints every token's id, role, name and state (never a hash)
 *   revoke ID
 *   generate prints a fresh random token for BANZI_ADMIN_TOKEN (touches no database)
 *
 * Exit codes: 0 done, 1 refused (unknown token), 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { randomSecret } from "../src/auth/crypto";
import type { Role } from "../src/auth/roles";
import { systemClock } from "../src/deps";
import { NodeEnvSchema, parseEnv } from "../src/env";
import { ApiError } from "../src/lib/problem";
import { createToken, listTokens, revokeToken } from "../src/services/tokens";
import { migrateDb, openNodeDb } from "./node";
import { TOKEN_ROLES } from "./schema";

const USAGE =
  "usage: npm run token -- create --role admin|staff|scorer|auditor --name NAME [--expires-in-days N]\n" +
  "       npm run token -- list | revoke ID | generate     [--url DATABASE_URL] [--auth-token TOKEN]";

function fail(message: string): never {
  console.error(`banzi: ${message}\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      role: { type: "string" },
      name: { type: "string" },
      "expires-in-days": { type: "string" },
      url: { type: "string" },
      "auth-token": { type: "string" },
    },
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
const [command, ...rest] = positionals;

if (command === "generate") {
  console.log(`bz_admin_${randomSecret()}`);
  process.exit(0);
}
if (command !== "create" && command !== "list" && command !== "revoke")
  fail(`unknown command '${command ?? ""}'`);

const env = parseEnv(NodeEnvSchema, {
  ...process.env,
  ...(values.url ? { DATABASE_URL: values.url } : {}),
  ...(values["auth-token"] ? { DATABASE_AUTH_TOKEN: values["auth-token"] } : {}),
});
const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
const services = { db, clock: systemClock };
try {
  await migrateDb(db);
  if (command === "create") {
    const role = values.role as Role | undefined;
    if (!role || !(TOKEN_ROLES as readonly string[]).includes(role))
      fail("--role must be admin, staff, scorer or auditor");
    const name = values.name?.trim();
    if (!name || name.length > 100) fail("--name is required (1–100 characters)");
    const days = values["expires-in-days"];
    const expiresInDays = days === undefined ? undefined : Number(days);
    if (
      expiresInDays !== undefined &&
      (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)
    )
      fail("--expires-in-days must be a whole number from 1 to 3650");
    const created = await createToken(services, { role, name, expiresInDays });
    console.log(`id ${created.id}  role ${created.role}  expires ${created.expiresAt ?? "never"}`);
    console.log("token (shown once; store it now):");
    console.log(created.token);
  } else if (command === "list") {
    for (const t of await listTokens(services))
      console.log(
        [
          t.id,
          t.role,
          t.revokedAt
            ? "revoked"
            : t.expiresAt && t.expiresAt <= new Date().toISOString()
              ? "expired"
              : "active",
          t.name,
        ].join("\t"),
      );
  } else {
    const id = rest[0];
    if (!id) fail("revoke needs a token id");
    await revokeToken(services, id);
    console.log(`revoked ${id} (servers stop accepting it within 10 s)`);
  }
} catch (error) {
  if (error instanceof ApiError) {
    console.error(`banzi: ${error.message}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  client.close();
}
