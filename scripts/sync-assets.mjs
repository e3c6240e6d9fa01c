// Copies the vendor files the pages need from installed packages into public/vendor (git-ignored),
// for the worker's [assets]: Swagger UI for /docs and Apache ECharts for the staff page. Node serves
// the same files from node_modules directly (src/node.ts), so both runtimes load nothing from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const vendor = [
  { from: "swagger-ui-dist/", to: "swagger-ui/", files: ["swagger-ui.css", "swagger-ui-bundle.js"] },
  { from: "echarts/dist/", to: "echarts/", files: ["echarts.min.js"] },
];

for (const { from, to, files } of vendor) {
  const source = fileURLToPath(new URL(`../node_modules/${from}`, import.meta.url));
  const target = fileURLToPath(new URL(`../public/vendor/${to}`, import.meta.url));
  mkdirSync(target, { recursive: true });
  for (const file of files) copyFileSync(source + file, target + file);
  console.log(`synced ${files.join(", ")} into ${target}`);
}
