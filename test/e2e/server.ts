/**
 * `npm start`'s server (src/node.ts `startNode`) on a temporary database with the demo city, a free
 * port and a bootstrap admin token (`BANZI_ADMIN_TOKEN`), for the browser tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../../src/node";

export interface E2eServer {
  url: string;
  /** The bootstrap admin token to sign in with. */
  token: string;
  /** A JSON request to the API with the admin token (to set up a test's data). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startE2eServer(): Promise<E2eServer> {
  const dir = mkdtempSync(join(tmpdir(), "banzi-e2e-"));
  const token = `e2e-admin-${crypto.randomUUID()}`;
  const server = await startNode({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${join(dir, "banzi.db")}`,
    BANZI_DEMO: "true",
    BANZI_ACCESS_LOG: "false",
    BANZI_ADMIN_TOKEN: token,
  });
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url: server.url,
    token,
    api,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
