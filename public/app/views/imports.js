/**
 * Imports: choose a CSV, check it (a dry run: every problem by line and column), import it, then
 * follow the re-rank job it started (a progress bar polling GET /v1/jobs/{id}) and read its report.
 */
import { get } from "../api.js";
import { chooseFileFirst, csvPicker, lineErrorsSection, sendCsv } from "../csv-upload.js";
import { h, points, replace } from "../dom.js";
import { pick, t } from "../i18n.js";
import { errorBox, section } from "../ui.js";

/** The last outcome on this screen, redrawn after a language switch. */
let last = null;
const POLL_MS = 400;

export async function importScreen() {
  const out = h("div", { class: "results", "aria-live": "polite" });
  const picker = csvPicker(t("imports.file"), async (chosen, dryRun) => {
    if (!chosen) return replace(out, chooseFileFirst());
    try {
      const summary = await sendCsv("/v1/imports", chosen, dryRun);
      last = { file: chosen.name, summary, job: null, report: null };
      draw(out);
      if (summary.jobId && !dryRun) await follow(out, summary.jobId);
    } catch (error) {
      replace(out, errorBox(error));
    }
  });
  if (last) draw(out);

  return h("div", null, h("h1", null, t("imports.title")), h("p", null, t("imports.intro")), picker, out);
}

/** Polls the job until it ends, redrawing its progress, then loads its report. */
async function follow(out, jobId) {
  for (;;) {
    const job = await get(`/v1/jobs/${encodeURIComponent(jobId)}`);
    last.job = job;
    if (!out.isConnected) return;
    draw(out);
    if (job.status === "succeeded" || job.status === "failed") break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (last.job.status === "succeeded") {
    last.report = await get(`/v1/jobs/${encodeURIComponent(jobId)}/report`);
    if (out.isConnected) draw(out);
  }
}

function draw(out) {
  const { summary, job, report } = last;
  const errors = summary.errors ?? [];
  const parts = [];
  if (errors.length) {
    parts.push(lineErrorsSection(last.file, summary));
  } else {
    parts.push(
      section(
        last.file,
        summary.replayed ? h("p", { class: "muted" }, t("imports.replayed")) : null,
        h(
          "p",
          { role: "status", dataset: { import: summary.dryRun ? "checked" : "imported" } },
          summary.dryRun
            ? t("imports.ok")
            : t("imports.done", { rows: summary.rows, created: summary.created, skipped: summary.skipped }),
        ),
        summary.dryRun
          ? h(
              "p",
              null,
              t("imports.rows", { rows: summary.rows, created: summary.created, skipped: summary.skipped }),
            )
          : null,
        !summary.dryRun && !summary.jobId ? h("p", { class: "muted" }, t("imports.noJob")) : null,
      ),
    );
  }
  if (job) {
    const total = Math.max(job.progress.total, 1);
    parts.push(
      section(
        t("imports.job"),
        h(
          "p",
          null,
          h("progress", {
            id: "job-progress",
            max: total,
            value: job.progress.done,
            "aria-label": t("imports.job"),
          }),
          ` ${job.progress.done} / ${job.progress.total} · `,
          h("span", { dataset: { jobStatus: job.status } }, t(`imports.jobStatus.${job.status}`)),
        ),
        job.error ? h("p", { class: "error" }, job.error) : null,
      ),
    );
  }
  if (report) parts.push(reportSection(report));
  replace(out, parts);
}

function reportSection(report) {
  const requests = report.requests.map((x) =>
    h(
      "li",
      { dataset: { request: x.requestId } },
      h("strong", null, `v${x.fromVersion} → v${x.version}: `),
      Array.isArray(x.diff.entrants)
        ? t("imports.diffCounts", {
            entrants: x.diff.entrants.length,
            leavers: x.diff.leavers?.length ?? 0,
            moves: x.diff.moves?.length ?? 0,
            unchanged: x.diff.unchanged ?? 0,
          })
        : pick(x.diff.summary),
      x.diff.largest?.length
        ? h(
            "ul",
            null,
            x.diff.largest.map((e) => h("li", null, pick(e.text))),
          )
        : null,
    ),
  );
  const teams = report.teams.map((x) =>
    h(
      "li",
      { dataset: { team: x.teamId } },
      h("a", { href: `#/teams/${encodeURIComponent(x.teamId)}` }, x.teamId),
      ` · ${t("common.score")} ${points(x.score)}`,
      x.diff ? ` · ${pick(x.diff.summary)}` : "",
    ),
  );
  return section(
    t("imports.report"),
    requests.length + teams.length === 0 ? h("p", { class: "muted" }, t("imports.noChanges")) : null,
    requests.length
      ? h(
          "div",
          { dataset: { report: "requests" } },
          h("h3", null, t("imports.reportRequests")),
          h("ul", null, requests),
        )
      : null,
    teams.length
      ? h(
          "div",
          { dataset: { report: "teams" } },
          h("h3", null, t("imports.reportTeams")),
          h("ul", null, teams),
        )
      : null,
  );
}
