/**
 * The staff page: a hash router over five screens, the sign-in screen, and the language switch.
 * Routes: #/cadres, #/cadres/{id}, #/teams, #/teams/{id}, #/suggestions, #/exchange, #/imports,
 * #/followup (follow-up after placement) and #/validity (the validity report).
 */
import { currentSession, signIn, signOut } from "./api.js";
import { disposeCharts } from "./charts.js";
import { h, replace } from "./dom.js";
import { getLang, setLang, t } from "./i18n.js";
import { setPrintOperator } from "./print.js";
import { forgetRefs } from "./refs.js";
import { watchTables } from "./tables.js";
import { errorBox } from "./ui.js";

/** Each screen's module, loaded when the screen is first shown, and the function that draws it. */
const VIEWS = {
  cadres: async (route) => {
    const m = await import("./views/cadres.js");
    return route.id ? m.cadrePage : m.cadreList;
  },
  teams: async (route) => {
    const m = await import("./views/teams.js");
    return route.id ? m.teamPage : m.teamList;
  },
  suggestions: async () => (await import("./views/suggestions.js")).suggestionScreen,
  exchange: async () => (await import("./views/exchange.js")).exchangeScreen,
  imports: async () => (await import("./views/imports.js")).importScreen,
  followup: async () => (await import("./views/follow-up.js")).followUpScreen,
  validity: async () => (await import("./views/validity.js")).validityScreen,
};

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
const langButton = document.getElementById("lang-switch");
const signOutButton = document.getElementById("sign-out");
const menuButton = document.getElementById("menu-toggle");

const SCREENS = ["cadres", "teams", "suggestions", "exchange", "imports", "followup", "validity"];
let session = null;
let renderCount = 0;

/** `#/teams/T-XJ01?x=1` → `{ screen: "teams", id: "T-XJ01", query }`. */
function parseHash() {
  const [path, search = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [screen = "cadres", id] = path.split("/").map(decodeURIComponent);
  return { screen: SCREENS.includes(screen) ? screen : "cadres", id, query: new URLSearchParams(search) };
}

function drawChrome() {
  document.documentElement.lang = getLang() === "zh" ? "zh-CN" : "en";
  document.title = t("app.title");
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-aria]"))
    el.setAttribute("aria-label", t(el.dataset.i18nAria));
  langButton.textContent = t("lang.switch");
  langButton.title = t("lang.switchLabel");
  langButton.lang = getLang() === "zh" ? "en" : "zh-CN";
  signOutButton.textContent = t("signin.out");
  signOutButton.hidden = !session;
  // On a phone the menu folds behind 菜单 (style.css); each drawing starts folded.
  menuButton.hidden = !session;
  menuButton.setAttribute("aria-expanded", "false");
  nav.classList.remove("open");
  who.textContent = session ? t("signin.as", { role: t(`role.${session.role}`) }) : "";
  setPrintOperator(session);
  const { screen } = parseHash();
  replace(
    nav,
    session
      ? h(
          "ul",
          null,
          SCREENS.map((s) =>
            h(
              "li",
              null,
              h("a", { href: `#/${s}`, "aria-current": s === screen ? "page" : undefined }, t(`nav.${s}`)),
            ),
          ),
        )
      : null,
  );
}

/** Draws the current route; `focus` moves keyboard focus to the new screen's heading. */
async function render({ focus = false } = {}) {
  const mine = ++renderCount;
  disposeCharts();
  drawChrome();
  if (!session) return drawSignIn();
  const route = parseHash();
  const screen = h(
    "div",
    { class: "screen", "aria-busy": "true" },
    h("p", { class: "muted" }, t("common.loading")),
  );
  replace(main, screen);
  try {
    const view = await VIEWS[route.screen](route);
    const content = await view(route);
    if (mine !== renderCount) return;
    replace(screen, content);
  } catch (error) {
    if (mine !== renderCount) return;
    replace(screen, errorBox(error));
  }
  screen.removeAttribute("aria-busy");
  const heading = screen.querySelector("h1");
  if (focus && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
  // Charts are drawn once their containers are in the document and have a size.
  for (const el of screen.querySelectorAll("[data-chart]")) el.dispatchEvent(new CustomEvent("banzi:mount"));
}

function drawSignIn(message) {
  const input = h("input", {
    type: "password",
    name: "token",
    id: "token",
    autocomplete: "off",
    required: true,
  });
  const status = h("p", { class: "error", role: "alert", hidden: !message }, message ?? "");
  const form = h(
    "form",
    {
      class: "signin card",
      async onsubmit(event) {
        event.preventDefault();
        status.hidden = true;
        try {
          await signIn(input.value.trim());
          session = await currentSession();
          forgetRefs();
          if (!location.hash) location.hash = "#/cadres";
          await render({ focus: true });
        } catch (error) {
          status.textContent = t("signin.failed", { detail: error.message });
          status.hidden = false;
          input.select();
        }
      },
    },
    h("h1", null, t("signin.title")),
    h("p", null, t("signin.intro")),
    h("div", { class: "field" }, h("label", { for: "token" }, t("signin.token")), input),
    h("button", { type: "submit", class: "primary" }, t("signin.submit")),
    status,
  );
  replace(main, form);
  input.focus();
}

// The skip link moves focus to the content; it must not change the hash (the router would read
// "#main" as a screen and show the cadre list).
document.querySelector("a.skip")?.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
});
menuButton.addEventListener("click", () => {
  const open = !nav.classList.contains("open");
  nav.classList.toggle("open", open);
  menuButton.setAttribute("aria-expanded", String(open));
  if (open) nav.querySelector("a")?.focus();
});
watchTables(main);
langButton.addEventListener("click", () => setLang(getLang() === "zh" ? "en" : "zh"));
window.addEventListener("banzi:lang", () => render());
window.addEventListener("hashchange", () => render({ focus: true }));
window.addEventListener("banzi:unauthorized", () => {
  session = null;
  drawChrome();
  drawSignIn(t("signin.expired"));
});
signOutButton.addEventListener("click", async () => {
  await signOut().catch(() => {});
  session = null;
  render();
});

session = await currentSession().catch(() => null);
render();
