/**
 * 跟踪考核 — follow-up after placement: placed cadres with their latest appraisal, the flagged ones
 * first with the reasons (GET /v1/follow-up); a form to record a placement's annual appraisal
 * (POST /v1/placements/{id}/outcomes); and the appraisal CSV import with the imports screen's pieces.
 */
import { get, getAll, post } from "../api.js";
import { chooseFileFirst, csvPicker, lineErrorsSection, sendCsv } from "../csv-upload.js";
import { field, h, points, replace, select } from "../dom.js";
import { pick, t } from "../i18n.js";
import { counties, postName, refs, regionName } from "../refs.js";
import { badge, cadreLink, errorBox, feasibleBadge, section, table } from "../ui.js";

const GRADES = ["excellent", "competent", "basically-competent", "incompetent"];
const GRADE_BADGE = { excellent: "ok", competent: "info", "basically-competent": "warn", incompetent: "bad" };
/** The "show" filter → the API's `flagged` query. */
const SHOW = { all: "", flagged: "true", other: "false" };
/** Appraisal import problems are explained by their own codes first, then the shared import ones. */
const OUTCOME_CODES = ["outcomeCode", "importCode"];

/** The last upload and the last saved appraisal on this screen, redrawn after a language switch. */
let lastUpload = null;
let lastSaved = null;

export async function followUpScreen(route) {
  const r = await refs();
  const show = route.query.get("show") in SHOW ? route.query.get("show") : "all";
  const regionCode = route.query.get("region") ?? "";
  const apiQuery = new URLSearchParams();
  if (SHOW[show]) apiQuery.set("flagged", SHOW[show]);
  if (regionCode) apiQuery.set("region", regionCode);
  const listPath = `/v1/follow-up${apiQuery.size ? `?${apiQuery}` : ""}`;

  const showSelect = select(
    Object.keys(SHOW).map((k) => [k, t(`followup.show.${k}`)]),
    show,
    { name: "show" },
  );
  const region = select(
    [["", t("common.all")], ...counties(r).map((c) => [c.code, `${regionName(r, c.code)} (${c.code})`])],
    regionCode,
    { name: "region" },
  );
  const filters = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": t("followup.filters"),
      onsubmit(event) {
        event.preventDefault();
        const next = new URLSearchParams();
        if (showSelect.value !== "all") next.set("show", showSelect.value);
        if (region.value) next.set("region", region.value);
        location.hash = `#/followup${next.size ? `?${next}` : ""}`;
      },
    },
    field(t("followup.show"), showSelect),
    field(t("followup.region"), region),
    h("button", { type: "submit", class: "primary" }, t("common.search")),
  );

  const count = h("p", { "aria-live": "polite", dataset: { counts: "" } });
  const listArea = h("div");
  const form = appraisalForm();

  /** Loads the list (every page) and redraws it, flagged first, and the form's choice of placements. */
  async function load() {
    const items = await getAll(listPath);
    // The API lists by cadre id; a stable sort keeps that order within each group.
    items.sort((a, b) => Number(b.flagged) - Number(a.flagged));
    const flagged = items.filter((i) => i.flagged).length;
    count.textContent = t("followup.counts", { total: items.length, flagged });
    replace(
      listArea,
      items.length
        ? table(
            [
              t("followup.cadre"),
              t("followup.post"),
              t("followup.placedOn"),
              t("followup.fit"),
              t("followup.teamNow"),
              t("followup.latest"),
              t("followup.review"),
              t("followup.action"),
            ],
            items.map((item) => followUpRow(item, r, () => form.choose(item.placement.id))),
            { dataset: { list: "follow-up" } },
          )
        : h("p", { class: "notice" }, t("followup.empty")),
    );
    form.setPlacements(items, r);
  }
  form.onSaved = load;

  const uploadOut = h("div", { class: "results", "aria-live": "polite" });
  const drawUpload = () => {
    if (!lastUpload) return;
    const { file, summary } = lastUpload;
    replace(
      uploadOut,
      summary.errors?.length
        ? lineErrorsSection(file, summary, OUTCOME_CODES)
        : h(
            "p",
            { role: "status", dataset: { import: summary.dryRun ? "checked" : "imported" } },
            t(summary.dryRun ? "followup.importOk" : "followup.importDone", {
              rows: summary.rows,
              created: summary.created,
              skipped: summary.skipped,
            }),
          ),
    );
  };
  const picker = csvPicker(t("followup.importFile"), async (file, dryRun) => {
    if (!file) return replace(uploadOut, chooseFileFirst());
    try {
      lastUpload = {
        file: file.name,
        summary: await sendCsv("/v1/placements/outcomes/import", file, dryRun),
      };
      drawUpload();
      if (!dryRun && !lastUpload.summary.errors?.length) await load();
    } catch (error) {
      replace(uploadOut, errorBox(error));
    }
  });
  drawUpload();
  await load();

  return h(
    "div",
    null,
    h("h1", null, t("followup.title")),
    h("p", null, t("followup.intro")),
    filters,
    count,
    listArea,
    h(
      "div",
      { class: "grid-2" },
      form.element,
      section(t("followup.import"), h("p", { class: "muted" }, t("followup.importIntro")), picker, uploadOut),
    ),
  );
}

/** One placed cadre: placement, prediction at the time, team now, latest appraisal, review reasons. */
function followUpRow(item, r, onRecord) {
  const p = item.placement;
  const outcome = item.latestOutcome;
  return h(
    "tr",
    {
      class: item.flagged ? "row-hard" : undefined,
      dataset: { cadre: item.cadreId, placement: p.id, flagged: String(item.flagged) },
    },
    h("td", null, cadreLink(item.cadreId, { name: item.cadreName })),
    h("td", null, `${postName(r, p.post)} · ${regionName(r, p.region)}`),
    h("td", null, p.placedOn, h("br"), h("span", { class: "muted" }, t(`followup.source.${p.source}`))),
    h("td", { class: "num" }, points(p.fit)),
    h(
      "td",
      null,
      item.team
        ? [
            feasibleBadge(item.team.feasible),
            " ",
            h("a", { href: `#/teams/${encodeURIComponent(item.team.id)}` }, item.team.id),
            ` · ${points(item.team.score)}`,
          ]
        : "—",
    ),
    h(
      "td",
      { dataset: { latest: outcome?.grade ?? "" } },
      outcome
        ? [
            badge(GRADE_BADGE[outcome.grade] ?? "info", `${outcome.year} ${pick(outcome.label)}`),
            item.outcomeCount > 1 ? h("span", { class: "muted" }, ` (${item.outcomeCount})`) : null,
          ]
        : h("span", { class: "muted" }, t("followup.noOutcome")),
    ),
    h(
      "td",
      { dataset: { reasons: "" } },
      item.flagged
        ? h(
            "ul",
            { class: "violations" },
            item.reasons.map((x) =>
              h(
                "li",
                { class: "violation hard", dataset: { reason: x.code } },
                badge("bad", t("followup.review")),
                " ",
                pick(x.message),
              ),
            ),
          )
        : badge("ok", t("followup.fine")),
    ),
    h(
      "td",
      null,
      h(
        "button",
        {
          type: "button",
          "aria-label": t("followup.recordFor", { name: `${item.cadreName} (${item.cadreId})` }),
          onclick: onRecord,
        },
        t("followup.record"),
      ),
    ),
  );
}

/**
 * The appraisal form: which placement, year, grade, notes; the chosen placement's appraisals so far
 * beside it. `choose(id)` selects a placement and moves the focus to the year.
 */
function appraisalForm() {
  const placement = h("select", { name: "placementId", required: true });
  const year = h("input", {
    type: "number",
    name: "year",
    min: "1950",
    max: String(new Date().getFullYear()),
    value: String(new Date().getFullYear()),
    required: true,
  });
  const grade = select([["", t("followup.chooseGrade")], ...GRADES.map((g) => [g, t(`grade.${g}`)])], "", {
    name: "grade",
    required: true,
  });
  const notes = h("textarea", { name: "notes", rows: 3, maxlength: 2000 });
  const status = h("div", { "aria-live": "polite" });
  const history = h("div", { dataset: { history: "" } });
  const submit = h("button", { type: "submit", class: "primary" }, t("followup.submit"));
  let names = new Map();

  const drawSaved = () => {
    if (lastSaved)
      replace(status, h("p", { role: "status", class: "notice" }, t("followup.saved", lastSaved)));
  };
  async function drawHistory() {
    if (!placement.value) return replace(history);
    const id = placement.value;
    try {
      const found = await get(`/v1/placements/${encodeURIComponent(id)}`);
      if (placement.value !== id) return;
      replace(
        history,
        h("h3", null, t("followup.history")),
        found.outcomes.length
          ? h(
              "ul",
              null,
              found.outcomes.map((o) =>
                h(
                  "li",
                  null,
                  badge(GRADE_BADGE[o.grade] ?? "info", `${o.year} ${pick(o.label)}`),
                  o.notes?.text ? ` ${o.notes.text}` : "",
                ),
              ),
            )
          : h("p", { class: "muted" }, t("followup.noHistory")),
      );
    } catch (error) {
      replace(history, errorBox(error));
    }
  }
  placement.addEventListener("change", drawHistory);

  const api = {
    onSaved: async () => {},
    element: null,
    setPlacements(items, r) {
      const chosen = placement.value;
      names = new Map(items.map((i) => [i.placement.id, i.cadreName]));
      replace(
        placement,
        items.map((i) =>
          h(
            "option",
            { value: i.placement.id, selected: i.placement.id === chosen },
            `${i.cadreName} (${i.cadreId}) · ${postName(r, i.placement.post)} · ${i.placement.placedOn}`,
          ),
        ),
      );
      submit.disabled = items.length === 0;
      drawHistory();
    },
    choose(id) {
      placement.value = id;
      drawHistory();
      year.focus();
      year.select();
    },
  };
  api.element = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "appraisal-form",
      dataset: { form: "appraisal" },
      async onsubmit(event) {
        event.preventDefault();
        const id = placement.value;
        const body = { year: Number(year.value), grade: grade.value };
        if (notes.value.trim()) body.notes = notes.value.trim();
        submit.disabled = true;
        replace(status);
        try {
          const saved = await post(`/v1/placements/${encodeURIComponent(id)}/outcomes`, body);
          lastSaved = { name: names.get(id) ?? id, year: saved.year, grade: pick(saved.label) };
          notes.value = "";
          grade.value = "";
          await api.onSaved();
          drawSaved();
        } catch (error) {
          replace(status, errorBox(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", { id: "appraisal-form" }, t("followup.form")),
    field(t("followup.placement"), placement),
    h("div", { class: "row" }, field(t("followup.year"), year), field(t("followup.grade"), grade)),
    field(t("followup.notes"), notes, t("followup.notesHint")),
    submit,
    status,
    history,
  );
  drawSaved();
  return api;
}
