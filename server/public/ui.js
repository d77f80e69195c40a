// Small shared pieces of the pages: loading data, dates, notes, tables of labelled cells (so they stack on a phone).
import { html, useCallback, useEffect, useState } from "./vendor/vendor.js";

/** Loads with `load()` now and whenever `deps` change; `reload()` loads again. Never renders data as markup. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const run = useCallback(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error) => current && setState({ data: undefined, error: error.message, loading: false }),
    );
    return () => (current = false);
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** A policy document without its version (the server assigns the next one). */
export const withoutVersion = (policy) => Object.fromEntries(Object.entries(policy).filter(([key]) => key !== "version"));

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");
export const day = (iso) => (iso ? new Date(iso).toLocaleDateString() : "—");

export function Note({ error, children }) {
  if (error) return html`<p class="note error" role="alert">${error}</p>`;
  return children ? html`<p class="note" role="status">${children}</p>` : null;
}

/** A cell that names its column, for the stacked layout of narrow screens. */
export const Td = ({ label, children, class: cls }) => html`<td data-label=${label} class=${cls}>${children}</td>`;

/**
 * A table of `rows`, a column per `[header, cell(row)]` of `columns`, every cell naming its column (see Td);
 * `rowClass(row)` gives a row its class.
 */
export const Table = ({ id, columns, rows, rowClass }) =>
  html`<table id=${id}>
    <thead>
      <tr>
        ${columns.map(([header]) => html`<th scope="col">${header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr class=${rowClass?.(row)}>
            ${columns.map(([header, cell]) => html`<${Td} label=${header}>${cell(row)}<//>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;

export const Loading = () => html`<p class="note" role="status">Loading…</p>`;

export function Page({ title, count, children }) {
  useEffect(() => {
    document.title = `${title} — WeGroup compliance`;
  }, [title]);
  return html`<section aria-labelledby="page-title">
    <h2 id="page-title" tabindex="-1">${title}${count === undefined ? null : html` <span class="count">${count}</span>`}</h2>
    ${children}
  </section>`;
}

export const CHECK_NAMES = {
  software: "Software",
  "usb-storage": "USB storage",
  "screen-lock": "Screen lock",
  "agent-silent": "Agent silent",
};
export const checkName = (check) => CHECK_NAMES[check] ?? check;

/** A denied title (a deny rule judged it) comes before everything else. */
export const isDenied = (v) =>
  v.title?.verdict === "denied" || (v.check === "software" && v.rule !== undefined && v.title?.verdict !== "unapproved");
