/** Where the Swagger UI files are served from: the app's own origin, never a CDN. */
export const SWAGGER_ASSETS = "/vendor/swagger-ui";

/** The `/docs` page: Swagger UI reading the app's OpenAPI document. */
export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>banzi API</title>
<link rel="stylesheet" href="${SWAGGER_ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${SWAGGER_ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;
}

/** Starts Swagger UI; a separate file rather than an inline script so a strict CSP can forbid inline code. */
export function docsInitScript(specUrl: string): string {
  return `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#swagger-ui", deepLinking: true });\n`;
}
