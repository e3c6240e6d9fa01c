/**
 * The page's one way to the API: same-origin requests with the session cookie, the CSRF header on
 * unsafe methods (src/auth/guard.ts: `x-csrf-token`, given by `POST /v1/session`), and problem+json
 * errors turned into `ApiError`s that keep the stable `code` and the per-line `errors`.
 */
const CSRF_KEY = "banzi.csrf";
export const CSRF_HEADER = "x-csrf-token";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? "http_error";
    this.problem = problem ?? {};
  }
}

/** The CSRF token of this tab's session (kept for the tab only; the cookie itself is HttpOnly). */
export const csrfToken = () => sessionStorage.getItem(CSRF_KEY);

/**
 * Sends a request. `body` is JSON unless it is a Blob/ArrayBuffer (sent as is with `contentType`).
 * Resolves to the parsed body (null for 204); rejects with an ApiError for any status ≥ 400.
 */
export async function api(method, path, body, options = {}) {
  const headers = { accept: "application/json", ...options.headers };
  const init = { method, credentials: "same-origin", headers };
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    headers["content-type"] = options.contentType ?? "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const csrf = csrfToken();
  if (!SAFE.has(method) && csrf) headers[CSRF_HEADER] = csrf;
  const res = await fetch(path, init);
  const text = res.status === 204 ? "" : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text };
    }
  }
  if (!res.ok) {
    const error = new ApiError(res.status, data);
    if (res.status === 401 && !options.quiet) window.dispatchEvent(new CustomEvent("banzi:unauthorized"));
    throw error;
  }
  return options.withStatus ? { status: res.status, data } : data;
}

export const get = (path, options) => api("GET", path, undefined, options);
export const post = (path, body, options) => api("POST", path, body, options);

/** Every page of a list (`{ items, nextCursor }`), up to `max` items. */
export async function getAll(path, max = 2000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** Signs in with an API token: the server sets the HttpOnly session cookie and answers the CSRF token. */
export async function signIn(token) {
  const session = await api("POST", "/v1/session", { token }, { quiet: true });
  sessionStorage.setItem(CSRF_KEY, session.csrfToken);
  return session;
}

/** Ends the session (server side) and forgets the CSRF token. */
export async function signOut() {
  try {
    await api("DELETE", "/v1/session", undefined, { quiet: true });
  } finally {
    sessionStorage.removeItem(CSRF_KEY);
  }
}

/**
 * Who the page is signed in as, or null. A session cookie without this tab's CSRF token (a new tab)
 * could read but not change anything, so it counts as signed out.
 */
export async function currentSession() {
  try {
    const session = await api("GET", "/v1/session", undefined, { quiet: true });
    if (session.via === "session" && !csrfToken()) return null;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
