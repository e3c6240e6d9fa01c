/**
 * Printing: a 打印 button for the screens staff print (a cadre's profile sheet, a team report, a
 * suggestion comparison) and the line every printed sheet carries — the print date and who printed
 * it. The print stylesheet (style.css, `@media print`) hides the menu, buttons and footer; charts.js
 * redraws the charts at the paper's width.
 */
import { h } from "./dom.js";
import { t } from "./i18n.js";

const line = () => document.getElementById("print-meta");
let operator = null;

/** Today as `YYYY-MM-DD` in local time. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Writes "打印日期 … · 操作人：…" for the session (`{ role, tokenId }`, or null when signed out). */
export function setPrintOperator(session) {
  operator = session;
  stamp();
}

function stamp() {
  const el = line();
  if (!el) return;
  el.hidden = !operator;
  el.textContent = operator
    ? t("print.meta", {
        date: today(),
        operator: t("print.operator", {
          role: t(`role.${operator.role}`),
          token: String(operator.tokenId ?? "").slice(0, 8),
        }),
      })
    : "";
}

// The date is the day of printing, not of the page's first draw.
window.addEventListener("beforeprint", stamp);

/** The 打印 button: prints the current screen with the print stylesheet. */
export const printButton = () =>
  h("button", { type: "button", class: "print-button", onclick: () => window.print() }, t("print.button"));
