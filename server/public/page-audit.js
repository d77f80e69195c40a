// Audit (admin): who changed what and when, with the before/after the server stored.
import { html, useState } from "./vendor/vendor.js";
import { listAudit } from "./api-audit.js";
import { Note, Page, Td, useLoad, when } from "./ui.js";

const show = (value) => (value === undefined ? "—" : JSON.stringify(value, null, 2));

export function AuditPage() {
  const [action, setAction] = useState("");
  const { data, error } = useLoad(() => listAudit({ action: action || undefined, limit: 200 }), [action]);
  return html`<${Page} title="Audit" count=${data?.items.length}>
    <form class="filters" aria-label="Filter the audit" onSubmit=${(e) => e.preventDefault()}>
      <label
        >Action
        <select id="a-action" value=${action} onChange=${(e) => setAction(e.currentTarget.value)}>
          ${["", "policy.update", "exemption.create", "exemption.delete", "exemption.expire", "token.create", "token.revoke", "privacy.export", "privacy.erase"].map((a) => html`<option value=${a}>${a || "every action"}</option>`)}
        </select></label
      >
    </form>
    <${Note} error=${error} />
    <table id="audit">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        ${(data?.items ?? []).map((a) => {
          const { before, after, ...rest } = a.detail ?? {};
          return html`<tr>
            <${Td} label="When">${when(a.at)}<//>
            <${Td} label="Who">${a.actor}<//>
            <${Td} label="Action">${a.action}<//>
            <${Td} label="Target"
              >${a.target}${
                Object.keys(rest).length > 0
                  ? html`<details>
                      <summary>Detail</summary>
                      <pre>${show(rest)}</pre>
                    </details>`
                  : null
              }<//
            >
            <${Td} label="Before"
              >${
                before === undefined
                  ? "—"
                  : html`<details>
                      <summary>Before</summary>
                      <pre>${show(before)}</pre>
                    </details>`
              }<//
            >
            <${Td} label="After"
              >${
                after === undefined
                  ? "—"
                  : html`<details>
                      <summary>After</summary>
                      <pre>${show(after)}</pre>
                    </details>`
              }<//
            >
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}
