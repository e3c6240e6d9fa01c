/** The part of a Hono app this needs: its route table. */
interface RouteTable {
  routes: { method: string; path: string }[];
}

const patternCache = new WeakMap<object, { method: string; pattern: RegExp }[]>();

/** Turns Hono route paths (`/v1/cadres/:id`) into anchored regular expressions. */
function compile(app: RouteTable) {
  let compiled = patternCache.get(app);
  if (!compiled) {
    compiled = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(
          `^${r.path
            .replace(/[.+?^${}()|[\]\\]/g, (ch) => (ch === "{" || ch === "}" ? ch : `\\${ch}`))
            .replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "[^/]+")
            .replace(/\*/g, ".*")}/?$`,
        ),
      }));
    patternCache.set(app, compiled);
  }
  return compiled;
}

/**
 * The methods that a path does answer to, when the request's method is not one of them — so that a
 * wrong method gets 405 with `Allow` rather than a misleading 404.
 */
export function methodNotAllowed(app: RouteTable, method: string, path: string): string[] {
  const methods = new Set<string>();
  for (const route of compile(app)) if (route.pattern.test(path)) methods.add(route.method);
  if (methods.size === 0 || methods.has(method)) return [];
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
