import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const WORKER_TEST_ADMIN_TOKEN = "worker-test-admin-token-0123456789abcdef";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The same app inside workerd, against the Hrana test server started by test/support/libsql-server-setup.ts.
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: "./src/worker.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The bootstrap admin token of test/worker/app.test.ts (a test value, not a secret).
              bindings: { DATABASE_URL: inject("libsqlUrl"), BANZI_ADMIN_TOKEN: WORKER_TEST_ADMIN_TOKEN },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/support/libsql-server-setup.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
