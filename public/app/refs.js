/** Reference data the screens name things with: regions and post types, loaded once per sign-in. */
import { getAll } from "./api.js";
import { getLang } from "./i18n.js";

let loading = null;

/** `{ regions: Map(code → region), posts: Map(code → post type) }`. */
export function refs() {
  loading ??= Promise.all([getAll("/v1/regions"), getAll("/v1/post-types")]).then(([regions, posts]) => ({
    regions: new Map(regions.map((r) => [r.code, r])),
    posts: new Map(posts.map((p) => [p.code, p])),
  }));
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

export function forgetRefs() {
  loading = null;
}

const nameOf = (thing, fallback) =>
  thing ? (getLang() === "zh" ? thing.name : thing.nameEn || thing.name) : fallback;

/** A region's name in the current language (its code when unknown). */
export const regionName = (r, code) => (code ? nameOf(r.regions.get(code), code) : "—");

/** A post type's name in the current language (its code when unknown). */
export const postName = (r, code) => (code ? nameOf(r.posts.get(code), code) : "—");

/** "青山县 县长", or just the region when there is no post (never a dangling dash). */
export const placeName = (r, region, post) =>
  [region ? regionName(r, region) : null, post ? postName(r, post) : null].filter(Boolean).join(" ") || "—";

/** The counties, sorted by code. */
export const counties = (r) =>
  [...r.regions.values()].filter((x) => x.level === "county").sort((a, b) => a.code.localeCompare(b.code));
