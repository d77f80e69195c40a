// Devices: filtered by status, OS and hostname, with counts per status, in pages of PAGE by hostname ("Show more"
// follows the server's cursor); a row leads to the device page.
import { html, useEffect, useState } from "./vendor/vendor.js";
import { listDevices } from "./api-devices.js";
import { Loading, Note, Page, Td, useLoad, when } from "./ui.js";

const STATUSES = ["noncompliant", "offline", "unknown", "compliant"];
const PAGE = 200;

export function DevicesPage() {
  const [filter, setFilter] = useState({ status: "", os: "", q: "" });
  const query = { status: filter.status || undefined, os: filter.os || undefined, q: filter.q || undefined, limit: PAGE };
  const { data, error } = useLoad(() => listDevices(query), [filter.status, filter.os, filter.q]);
  // Pages after the first, appended as "Show more" fetches them; a new filter (a new first page) starts again.
  const [later, setLater] = useState({ items: [], cursor: null, error: undefined });
  useEffect(() => setLater({ items: [], cursor: data?.nextCursor ?? null, error: undefined }), [data]);
  const more = () =>
    listDevices({ ...query, cursor: later.cursor }).then(
      (p) => setLater({ items: [...later.items, ...p.items], cursor: p.nextCursor, error: undefined }),
      (e) => setLater({ ...later, error: e.message }),
    );
  const items = data === undefined ? undefined : [...data.items, ...later.items];
  const total =
    data?.byStatus === undefined
      ? undefined
      : filter.status
        ? (data.byStatus[filter.status] ?? 0)
        : Object.values(data.byStatus).reduce((a, b) => a + b, 0);
  const set = (key) => (e) => setFilter({ ...filter, [key]: e.currentTarget.value });
  return html`<${Page} title="Devices" count=${total ?? items?.length}>
    <form class="filters" aria-label="Filter devices" onSubmit=${(e) => e.preventDefault()}>
      <label
        >Status
        <select id="d-status" value=${filter.status} onChange=${set("status")}>
          <option value="">any status</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}${data?.byStatus ? ` (${data.byStatus[s] ?? 0})` : ""}</option>`)}
        </select></label
      >
      <label
        >OS
        <select id="d-os" value=${filter.os} onChange=${set("os")}>
          <option value="">any OS</option>
          <option value="linux">Linux</option>
          <option value="darwin">macOS</option>
          <option value="win32">Windows</option>
        </select></label
      >
      <label>Hostname <input id="d-q" type="search" value=${filter.q} onInput=${set("q")} /></label>
    </form>
    <${Note} error=${error ?? later.error} />
    ${
      data === undefined
        ? error === undefined
          ? html`<${Loading} />`
          : null
        : html`<table id="devices">
            <thead>
              <tr>
                <th scope="col">Hostname</th>
                <th scope="col">OS</th>
                <th scope="col">Status</th>
                <th scope="col">Open violations</th>
                <th scope="col">Policy</th>
                <th scope="col">Agent</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (d) =>
                  html`<tr class=${`status-${d.status}`}>
                    <${Td} label="Hostname"
                      ><a href=${`#/devices/${encodeURIComponent(d.id)}`}>${d.hostname}</a
                      >${d.reEnrollmentOf ? html` <span class="tag">re-enrolled</span>` : null}<//
                    >
                    <${Td} label="OS">${d.os}<//>
                    <${Td} label="Status"><span class=${`badge badge-${d.status}`}>${d.status}</span><//>
                    <${Td} label="Open violations">${d.openViolations}<//>
                    <${Td} label="Policy">${d.policyVersion === null ? "—" : `v${d.policyVersion}`}<//>
                    <${Td} label="Agent">${d.agentVersion ?? "—"}<//>
                    <${Td} label="Last seen">${when(d.lastSeen)}<//>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${
      items !== undefined && later.cursor !== null
        ? html`<p>
            <button type="button" id="d-more" onClick=${more}>
              Show more (${items.length}${total === undefined ? "" : ` of ${total}`} shown)
            </button>
          </p>`
        : null
    }
  <//>`;
}
