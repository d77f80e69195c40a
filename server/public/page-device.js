// One device: what is wrong with it and since when, what its agent did about it, whether the agent is healthy, its history.
import { html } from "./vendor/vendor.js";
import { getDevice } from "./api-devices.js";
import { checkName, Loading, Note, Page, Td, useLoad, when } from "./ui.js";

const seconds = (s) => (s === null ? "—" : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

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
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                  <th scope="col">Message</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                ${open.map(
                  (v) =>
                    html`<tr class=${`violation-${v.status}`}>
                      <${Td} label="Check">${checkName(v.check)}<//
                      ><${Td} label="Subject">${v.title?.name ?? v.subject}<//
                      ><${Td} label="Status">${v.status}${v.exemption ? ` (by ${v.exemption.approvedBy})` : ""}<//
                      ><${Td} label="Message">${v.message}<//
                      ><${Td} label="Since">${when(v.firstSeen)}<//>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section aria-labelledby="results">
      <h3 id="results">Latest result per check</h3>
      <table id="results-table">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">Detail</th>
            <th scope="col">Observed</th>
          </tr>
        </thead>
        <tbody>
          ${d.results.map(
            (r) =>
              html`<tr>
                <${Td} label="Check">${checkName(r.check)}<//
                ><${Td} label="Result"><span class=${`badge badge-${r.status}`}>${r.status}</span><//
                ><${Td} label="Detail">${r.reason ?? (r.violations.length > 0 ? `${r.violations.length} violation(s)` : "—")}<//
                ><${Td} label="Observed">${when(r.observedAt)}<//>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="enforcement">
      <h3 id="enforcement">What the agent did</h3>
      ${
        (d.enforcement ?? []).length === 0
          ? html`<p class="note">No enforcement actions reported.</p>`
          : html`<table id="enforcement-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                ${d.enforcement.map(
                  (e) =>
                    html`<tr>
                      <${Td} label="When">${when(e.observedAt)}<//
                      ><${Td} label="Action">${e.action} (${checkName(e.check)})<//
                      ><${Td} label="Subject">${e.subject}<//
                      ><${Td} label="Outcome">${e.ok ? "done" : "failed"}: ${e.detail}<//>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section aria-labelledby="history">
      <h3 id="history">Violation history</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Subject</th>
            <th scope="col">Status</th>
            <th scope="col">First seen</th>
            <th scope="col">Resolved</th>
          </tr>
        </thead>
        <tbody>
          ${(d.history ?? []).map(
            (v) =>
              html`<tr>
                <${Td} label="Check">${checkName(v.check)}<//
                ><${Td} label="Subject">${v.title?.name ?? v.subject}<//
                ><${Td} label="Status">${v.status}<//
                ><${Td} label="First seen">${when(v.firstSeen)}<//
                ><${Td} label="Resolved">${v.resolvedAt ? when(v.resolvedAt) : "—"}<//>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
  <//>`;
}
