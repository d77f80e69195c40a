// One device: what is wrong with it and since when, what its agent did about it, whether the agent is healthy, its history.
import { html } from "./vendor/vendor.js";
import { getDevice } from "./api-devices.js";
import { checkName, Loading, Note, Page, Table, useLoad, when } from "./ui.js";

const seconds = (s) => (s === null ? "—" : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

const OPEN_COLUMNS = [
  ["Check", (v) => checkName(v.check)],
  ["Subject", (v) => v.title?.name ?? v.subject],
  ["Status", (v) => html`${v.status}${v.exemption ? ` (by ${v.exemption.approvedBy})` : ""}`],
  ["Message", (v) => v.message],
  ["Since", (v) => when(v.firstSeen)],
];
const RESULT_COLUMNS = [
  ["Check", (r) => checkName(r.check)],
  ["Result", (r) => html`<span class=${`badge badge-${r.status}`}>${r.status}</span>`],
  ["Detail", (r) => r.reason ?? (r.violations.length > 0 ? `${r.violations.length} violation(s)` : "—")],
  ["Observed", (r) => when(r.observedAt)],
];
const ENFORCEMENT_COLUMNS = [
  ["When", (e) => when(e.observedAt)],
  ["Action", (e) => html`${e.action} (${checkName(e.check)})`],
  ["Subject", (e) => e.subject],
  ["Outcome", (e) => html`${e.ok ? "done" : "failed"}: ${e.detail}`],
];
const HISTORY_COLUMNS = [
  ["Check", (v) => checkName(v.check)],
  ["Subject", (v) => v.title?.name ?? v.subject],
  ["Status", (v) => v.status],
  ["First seen", (v) => when(v.firstSeen)],
  ["Resolved", (v) => (v.resolvedAt ? when(v.resolvedAt) : "—")],
];

export function DevicePage({ id }) {
  const { data: d, error } = useLoad(() => getDevice(id), [id]);
  if (d === undefined) return html`<${Page} title="Device">${error ? html`<${Note} error=${error} />` : html`<${Loading} />`}<//>`;
  const h = d.health;
  const open = (d.history ?? []).filter((v) => v.status !== "resolved");
  return html`<${Page} title=${d.hostname}>
    <p><a href="#/devices">← All devices</a></p>
    <dl class="facts" aria-label="Device">
      <dt>Status</dt>
      <dd><span class=${`badge badge-${d.status}`}>${d.status}</span></dd>
      <dt>OS</dt>
      <dd>${d.os}</dd>
      <dt>Open violations</dt>
      <dd>${d.openViolations}</dd>
      <dt>Enrolled</dt>
      <dd>${when(d.enrolledAt)}</dd>
      ${
        d.reEnrollmentOf
          ? html`<dt>Re-enrollment of</dt>
              <dd><a href=${`#/devices/${d.reEnrollmentOf}`}>${d.reEnrollmentOf}</a></dd>`
          : null
      }
    </dl>
    ${
      h
        ? html`<section aria-labelledby="health">
            <h3 id="health">Agent health</h3>
            <dl class="facts">
              <dt>Connected</dt>
              <dd>${h.connected ? "yes" : "no"}</dd>
              <dt>Last seen</dt>
              <dd>${when(h.lastSeen)}</dd>
              <dt>Last stop</dt>
              <dd>${h.lastGoodbye ? `${h.lastGoodbye.reason} at ${when(h.lastGoodbye.at)}` : "none"}</dd>
              <dt>Agent version</dt>
              <dd>${h.agentVersion ?? "—"}</dd>
              <dt>Policy</dt>
              <dd>
                ${h.policyVersion === null ? "none yet" : `v${h.policyVersion}`}${h.latestPolicyVersion !== null && h.policyVersion !== h.latestPolicyVersion ? ` (newest is v${h.latestPolicyVersion})` : " (newest)"}
              </dd>
              <dt>Last report delay</dt>
              <dd>${seconds(h.lastReportDelaySeconds)}</dd>
              <dt>Reports that waited in its queue</dt>
              <dd>${h.queuedReports}</dd>
            </dl>
          </section>`
        : null
    }
    <section aria-labelledby="wrong">
      <h3 id="wrong">What is wrong now</h3>
      ${
        open.length === 0
          ? html`<p class="note">Nothing open.</p>`
          : html`<${Table} columns=${OPEN_COLUMNS} rows=${open} rowClass=${(v) => `violation-${v.status}`} />`
      }
    </section>
    <section aria-labelledby="results">
      <h3 id="results">Latest result per check</h3>
      <${Table} id="results-table" columns=${RESULT_COLUMNS} rows=${d.results} />
    </section>
    <section aria-labelledby="enforcement">
      <h3 id="enforcement">What the agent did</h3>
      ${
        (d.enforcement ?? []).length === 0
          ? html`<p class="note">No enforcement actions reported.</p>`
          : html`<${Table} id="enforcement-table" columns=${ENFORCEMENT_COLUMNS} rows=${d.enforcement} />`
      }
    </section>
    <section aria-labelledby="history">
      <h3 id="history">Violation history</h3>
      <${Table} columns=${HISTORY_COLUMNS} rows=${d.history ?? []} />
    </section>
  <//>`;
}
