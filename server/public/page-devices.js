// Devices: filtered by status, OS and hostname, with counts per status; a row leads to the device page.
import { html, useState } from "./vendor/vendor.js";
import { listDevices } from "./api-devices.js";
import { Loading, Note, Page, Td, useLoad, when } from "./ui.js";

const STATUSES = ["noncompliant", "offline", "unknown", "compliant"];

export function DevicesPage() {
  const [filter, setFilter] = useState({ status: "", os: "", q: "" });
  const { data, error } = useLoad(
    () => listDevices({ status: filter.status || undefined, os: filter.os || undefined, q: filter.q || undefined }),
    [filter.status, filter.os, filter.q],
  );
  const set = (key) => (e) => setFilter({ ...filter, [key]: e.currentTarget.value });
  return html`<${Page} title="Devices" count=${data?.items.length}>
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
    <${Note} error=${error} />
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
              ${data.items.map(
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
  <//>`;
}
