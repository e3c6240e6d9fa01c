/**
 * The page's string tables (public/app/i18n.js): Chinese and English have the same keys, and every
 * key the screens ask for exists — a missing one would show its key instead of text.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const APP = fileURLToPath(new URL("../../public/app/", import.meta.url));

interface I18n {
  TABLES: Record<"zh" | "en", Record<string, string>>;
  t(key: string, vars?: Record<string, unknown>): string;
  setLang(lang: string): void;
  label(kind: string, value: string): string;
}
let i18n: I18n;

beforeAll(async () => {
  // The module reads the remembered language from localStorage and announces switches on window.
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    },
    window: { dispatchEvent: () => true },
    document: { documentElement: {} },
    CustomEvent: class {},
  });
  i18n = (await import(join(APP, "i18n.js"))) as I18n;
});

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".js")
        ? [readFileSync(join(dir, e.name), "utf8")]
        : [],
  );
}

/** Keys built from a template literal, with the values each family takes. */
const FAMILIES: Record<string, readonly string[]> = {
  nav: ["cadres", "teams", "suggestions", "exchange", "imports", "followup", "validity"],
  component: ["fit", "balance", "skills", "structure", "penalty"],
  role: ["admin", "staff", "scorer", "auditor"],
  "sugg.status": ["optimal", "budget", "infeasible"],
  "sugg.method": ["exact", "heuristic"],
  derived: ["X1", "X2", "X3", "X4", "Y1", "Y2", "Y3", "Y4"],
  "teams.kind": ["current", "scenario"],
  "imports.jobStatus": ["queued", "running", "succeeded", "failed"],
  // The import's stable error codes (src/routes/imports.ts), explained in the page's language.
  importCode: ["bad_date", "unknown_cadre", "sten_out_of_range", "missing_column", "conflicts_stored"],
  // The follow-up screens (issue 8): appraisal grades, list filters, placement sources, and the
  // appraisal import's own codes (src/services/outcome-import.ts).
  grade: ["excellent", "competent", "basically-competent", "incompetent"],
  "followup.show": ["all", "flagged", "other"],
  "followup.source": ["suggestion", "exchange-plan", "manual"],
  outcomeCode: ["unknown_placement", "invalid_grade", "before_placement", "future_year", "conflicts_stored"],
};

describe("the page's string tables", () => {
  it("has the same keys in Chinese and English, none empty", () => {
    const zh = Object.keys(i18n.TABLES.zh).sort();
    expect(Object.keys(i18n.TABLES.en).sort()).toEqual(zh);
    for (const lang of ["zh", "en"] as const)
      for (const [key, text] of Object.entries(i18n.TABLES[lang]))
        expect(text.trim(), `${lang} ${key}`).not.toBe("");
  });

  it("has every key the screens ask for", () => {
    const code = sources(APP).join("\n");
    // Every string literal shaped like a key of the tables (also those chosen in a ternary).
    const prefixes = new Set(Object.keys(i18n.TABLES.zh).map((key) => key.split(".")[0]));
    const used = new Set(
      [...code.matchAll(/"([a-z]+(?:\.[a-zA-Z0-9]+)+)"/g)]
        .map((m) => m[1] as string)
        .filter((key) => prefixes.has(key.split(".")[0]) && !key.endsWith(".js")),
    );
    for (const [family, values] of Object.entries(FAMILIES))
      for (const v of values) used.add(`${family}.${v}`);
    for (const v of FAMILIES.derived ?? []) used.add(`derived.${v}.note`);
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !(key in i18n.TABLES.zh));
    expect(missing).toEqual([]);
  });

  it("fills placeholders and labels values in the chosen language, Chinese by default", () => {
    expect(i18n.t("common.count", { n: 3 })).toBe("共 3 条");
    expect(i18n.label("rank", "division")).toBe("正处");
    i18n.setLang("en");
    expect(i18n.t("common.count", { n: 3 })).toBe("3 in all");
    expect(i18n.label("factor", "Q3")).toBe("Perfectionism");
    i18n.setLang("zh");
    expect(i18n.label("factor", "Q3")).toBe("自律性");
  });
});
