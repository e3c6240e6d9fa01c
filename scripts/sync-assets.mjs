// Copies the Swagger UI files /docs needs from the installed swagger-ui-dist package into
// public/vendor/swagger-ui (git-ignored), for the worker's [assets]. Node serves them from
// node_modules directly.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const from = fileURLToPath(new URL("../node_modules/swagger-ui-dist/", import.meta.url));
const to = fileURLToPath(new URL("../public/vendor/swagger-ui/", import.meta.url));
mkdirSync(to, { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) copyFileSync(from + file, to + file);
console.log(`synced Swagger UI assets into ${to}`);
