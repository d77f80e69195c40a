// Exemptions: the security team's written consents, by status; security ends one early.
import { html, useState } from "./vendor/vendor.js";
import { may } from "./api-session.js";
import { endExemption, listExemptions } from "./api-exemptions.js";
import { checkName, day, Note, Page, Td, useLoad, when } from "./ui.js";

export function ExemptionsPage({ me }) {
  const [status, setStatus] = useState("active");
  const { data, error, reload } = useLoad(() => listExemptions(status), [status]);
  const [actionError, setActionError] = useState(undefined);
  const end = async (id) => {
    setActionError(undefined);
    try {
      await endExemption(id);
      reload();
    } catch (e) {
      setActionError(e.message);
    }
  };
  const security = may(me.role, "security");
  return html`<${Page} title="Exemptions" count=${data?.items.length}>
    <form class="filters" aria-label="Filter exemptions" onSubmit=${(e) => e.preventDefault()}>
      <label
        >Status
        <select id="e-status" value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
          ${["active", "expired", "deleted", "all"].map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
    </form>
    <${Note} error=${error ?? actionError} />
    <table id="exemptions">
      <thead>
        <tr>
          <th scope="col">Scope</th>
          <th scope="col">Check</th>
          <th scope="col">Rule or subject</th>
          <th scope="col">Approver</th>
          <th scope="col">Reason</th>
          <th scope="col">Expires</th>
          <th scope="col">Status</th>
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${(data?.items ?? []).map(
          (e) =>
            html`<tr>
              <${Td} label="Scope"
                >${e.device === "*" ? "every device" : html`<a href=${`#/devices/${encodeURIComponent(e.device)}`}>device</a>`}<//
              >
              <${Td} label="Check">${checkName(e.check)}<//>
              <${Td} label="Rule or subject">${e.rule ?? e.subject}<//>
              <${Td} label="Approver">${e.approvedBy}<//>
              <${Td} label="Reason">${e.reason}<//>
              <${Td} label="Expires">${day(e.expiresAt)}<//>
              <${Td} label="Status">${e.status}${e.endedAt ? ` (${when(e.endedAt)})` : ""}<//>
              <${Td} label="Actions"
                >${security && e.status === "active" ? html`<button type="button" onClick=${() => end(e.id)}>End now</button>` : null}<//
              >
            </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}
