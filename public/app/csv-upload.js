/**
 * The CSV upload the import screens share (test results on #/imports, appraisals on #/followup):
 * a labelled file field with "check" (a dry run) and "import" buttons, the request itself, and the
 * problems listed by line and column in the page's language.
 */
import { ApiError, post } from "./api.js";
import { field, h } from "./dom.js";
import { getLang, t } from "./i18n.js";
import { section, table } from "./ui.js";

/**
 * A file field with its two buttons. `onSend(file, dryRun)` runs with the buttons disabled; it gets
 * `null` for the file when none is chosen. Returns the card to place on the screen.
 */
export function csvPicker(fileLabel, onSend, { name = "file" } = {}) {
  const file = h("input", { type: "file", name, accept: ".csv,text/csv" });
  const check = h("button", { type: "button" }, t("imports.check"));
  const apply = h("button", { type: "button", class: "primary" }, t("imports.apply"));
  const run = async (dryRun) => {
    check.disabled = apply.disabled = true;
    try {
      await onSend(file.files?.[0] ?? null, dryRun);
    } finally {
      check.disabled = apply.disabled = false;
    }
  };
  check.addEventListener("click", () => run(true));
  apply.addEventListener("click", () => run(false));
  return h("div", { class: "card" }, field(fileLabel, file), h("div", { class: "row" }, check, apply));
}

/** The "choose a file first" alert. */
export const chooseFileFirst = () => h("p", { class: "error", role: "alert" }, t("imports.chooseFile"));

/**
 * Sends a CSV file to an import route (`?dryRun=true` for a check). A real import with problems
 * answers 422 with the same per-line list a dry run gives: that becomes a summary with those errors.
 * Any other failure rejects.
 */
export async function sendCsv(path, file, dryRun) {
  const bytes = await file.arrayBuffer();
  try {
    return await post(`${path}${dryRun ? "?dryRun=true" : ""}`, bytes, { contentType: "text/csv" });
  } catch (error) {
    if (
      !(error instanceof ApiError) ||
      !Array.isArray(error.problem.errors) ||
      error.problem.errors[0]?.line === undefined
    )
      throw error;
    return { dryRun, rows: null, errors: error.problem.errors, errorCount: error.problem.errors.length };
  }
}

/**
 * The problem in the page's language by its stable code (the first of `families` that knows it,
 * e.g. `outcomeCode.before_placement`, then `importCode.bad_date`), with the API's own words after it.
 */
export function explain(e, families = ["importCode"]) {
  if (getLang() === "en") return e.message;
  for (const family of families) {
    const key = `${family}.${e.code}`;
    const ours = t(key);
    if (ours !== key) return [ours, h("span", { class: "muted" }, ` — ${e.message}`)];
  }
  return e.message;
}

/** A section titled with the file's name listing every problem by line, column and code. */
export function lineErrorsSection(title, summary, families) {
  const errors = summary.errors ?? [];
  return section(
    title,
    h(
      "p",
      { class: "error", role: "alert" },
      t("imports.errors", { n: summary.errorCount ?? errors.length }),
    ),
    table(
      [t("imports.line"), t("imports.column"), t("imports.code"), t("imports.message")],
      errors.map((e) =>
        h(
          "tr",
          { dataset: { line: String(e.line) } },
          h("td", { class: "num" }, e.line),
          h("td", null, e.column ?? "—"),
          h("td", null, h("code", null, e.code)),
          h("td", null, explain(e, families)),
        ),
      ),
      { class: "compact", dataset: { list: "import-errors" } },
    ),
  );
}
