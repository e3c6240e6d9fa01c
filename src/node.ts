/**
 * Node entry: the embedded libSQL file (default `data/banzi.db`), migrations at start, the demo city
 * on first start, and the app on `PORT` (8787). `npm start` runs this file.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, MiddlewareHandler } from "hono";
import { migrateDb, openNodeDb } from "../db/node";
import { isEmpty, loadDemoCity } from "../db/seed/load";
import { createApp } from "./app";
import { systemClock } from "./deps";
import { NodeEnvSchema, parseEnv } from "./env";
import { SWAGGER_ASSETS } from "./lib/docs-page";

const swaggerRoot = fileURLToPath(new URL("../node_modules/swagger-ui-dist", import.meta.url));
const publicRoot = fileURLToPath(new URL("../public", import.meta.url));

/** Static files: the page in `public/` and Swagger UI's files from the installed package. */
function staticFiles(): MiddlewareHandler {
  const swagger = serveStatic({
    root: swaggerRoot,
    rewriteRequestPath: (path) => path.slice(SWAGGER_ASSETS.length),
  });
  const page = serveStatic({ root: publicRoot });
  return async (c: Context, next) =>
    c.req.path.startsWith(`${SWAGGER_ASSETS}/`) ? swagger(c, next) : page(c, next);
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Opens and migrates the database, seeds the demo city when empty, and serves the app. */
export async function startNode(
  rawEnv: Record<string, string | undefined> = process.env,
): Promise<RunningServer> {
  const env = parseEnv(NodeEnvSchema, rawEnv);
  const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  await migrateDb(db);
  if (env.BANZI_DEMO && (await isEmpty(db))) {
    const loaded = await loadDemoCity(db, systemClock.now());
    console.log(
      `banzi: loaded the demo city (${loaded.regions} regions, ${loaded.cadres} cadres, ${loaded.teams} teams, ${loaded.assessments} assessments)`,
    );
  }
  const app = createApp({
    db,
    staticFiles: staticFiles(),
    ...(env.BANZI_ACCESS_LOG ? { log: (line: string) => console.log(line) } : {}),
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          client.close();
          resolve();
        });
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startNode()
    .then((server) => {
      console.log(`banzi: listening on ${server.url} (API docs at ${server.url}/docs)`);
      const stop = () => {
        server.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    })
    .catch((error: unknown) => {
      console.error(`banzi: could not start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
