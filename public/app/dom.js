/**
 * A tiny DOM helper instead of a framework: `h("a", { href, class: "x", onclick }, "text", child)`.
 * Children may be strings, numbers, nodes, arrays, or null/false (skipped). Text is always set as
 * text, never parsed as HTML, so names and messages from the API cannot inject markup.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A unique id for pairing a label with its field. */
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

/** A labelled form field: `<label for>` + the control. */
export function field(label, control, hint) {
  if (!control.id) control.id = nextId();
  const hintEl = hint ? h("span", { class: "hint", id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hintEl);
}

/** A `<select>` of `[value, label]` pairs. */
export function select(options, value, props = {}) {
  return h(
    "select",
    props,
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
}

/** `x.toFixed(digits)` without the sign of a value that rounds to zero ("-0.0" → "0.0"). */
const fixed = (x, digits) => {
  const text = x.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
};

/** A number shown with a fixed number of decimals (— for null). */
export function num(value, digits = 2) {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : fixed(Number(value), digits);
}

/** A score in [0, 1] as the 0–100 points the API's summaries use. */
export const points = (value) => (value === null || value === undefined ? "—" : fixed(value * 100, 1));

/** A percentage of a share in [0, 1]. */
export const percent = (value) =>
  value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`;
