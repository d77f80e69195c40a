// Software titles that are not approved across the fleet, with device counts: IT approves one (an allow rule by its
// verified identity) or denies it; security exempts it.
import { html, useState } from "./vendor/vendor.js";
import { may } from "./api-session.js";
import { getPolicy, putPolicy } from "./api-policy.js";
import { listSoftware } from "./api-software.js";
import { ExemptForm } from "./page-violations.js";
import { Note, Page, Td, useLoad, withoutVersion } from "./ui.js";

/** An allow rule for the title: its key and the identity most devices verified (never the name an installer writes alone). */
export function allowRuleFor(t, by) {
  const identity = Object.fromEntries(Object.entries(t.identity ?? {}).filter(([, v]) => typeof v === "string" && v !== ""));
  return { id: `allow-${t.key}`, name: t.key, ...identity, reason: `approved in the software view by ${by}` };
}

export function denyRuleFor(t, by) {
  return {
    id: `deny-${t.key}`,
    name: t.key,
    ...(t.category ? { category: t.category } : {}),
    reason: `denied in the software view by ${by}`,
  };
}

async function addRule(list, rule) {
  const policy = withoutVersion(await getPolicy());
  const software = { ...policy.software, [list]: [...policy.software[list], rule] };
  return putPolicy({ ...policy, software });
}

export function SoftwarePage({ me }) {
  const [status, setStatus] = useState("all");
  const { data, error, reload } = useLoad(() => listSoftware(status), [status]);
  const [note, setNote] = useState(undefined);
  const [exempting, setExempting] = useState(undefined);
  const act = async (label, run) => {
    setNote(undefined);
    try {
      const stored = await run();
      setNote({ text: `${label}: stored as policy v${stored.version} and pushed to every connected device.` });
      reload();
    } catch (e) {
      setNote({ error: e.message });
    }
  };
  const admin = may(me.role, "admin");
  const security = may(me.role, "security");
  return html`<${Page} title="Software titles" count=${data?.items.length}>
    <form class="filters" aria-label="Filter titles" onSubmit=${(e) => e.preventDefault()}>
      <label
        >Verdict
        <select id="s-status" value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
          ${["all", "unapproved", "denied", "exempted"].map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
    </form>
    <${Note} error=${error ?? note?.error}>${note?.text}<//>
    ${
      data === undefined
        ? null
        : html`<table id="software">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Verdict</th>
                <th scope="col">Devices</th>
                <th scope="col">Versions</th>
                <th scope="col">Sources</th>
                <th scope="col">Identity</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${data.items.map(
                (t) =>
                  html`<tr class=${`verdict-${t.verdict}`}>
                      <${Td} label="Title">${t.title} <span class="key">${t.key}</span><//>
                      <${Td} label="Verdict">${t.verdict}${t.category ? ` (${t.category})` : ""}<//>
                      <${Td} label="Devices">${t.devices}<//>
                      <${Td} label="Versions">${t.versions.join(", ")}<//>
                      <${Td} label="Sources">${t.sources.join(", ")}<//>
                      <${Td} label="Identity"
                        >${
                          Object.entries(t.identity ?? {})
                            .map(([k, v]) => `${k}: ${v}`)
                            .join("; ") || "none verified"
                        }<//
                      >
                      <${Td} label="Actions">
                        ${admin && t.verdict !== "denied" ? html`<button type="button" class="approve" onClick=${() => act(`${t.title} approved${Object.keys(t.identity ?? {}).length === 0 ? " (by its key alone: the fleet verified no identity for it)" : " by its verified identity"}`, () => addRule("allow", allowRuleFor(t, me.name)))}>Approve</button>` : null}
                        ${admin && t.verdict === "unapproved" ? html`<button type="button" class="deny" onClick=${() => act(`${t.title} denied`, () => addRule("deny", denyRuleFor(t, me.name)))}>Deny</button>` : null}
                        ${security && t.verdict !== "exempted" ? html`<button type="button" class="exempt" aria-expanded=${exempting === t.key} onClick=${() => setExempting(exempting === t.key ? undefined : t.key)}>Exempt…</button>` : null}
                      <//>
                    </tr>
                    ${
                      exempting === t.key
                        ? html`<tr>
                            <td colspan="7">
                              <${ExemptForm}
                                target=${{ check: "software", subject: t.key, name: t.title }}
                                me=${me}
                                onDone=${() => (setExempting(undefined), reload())}
                              />
                            </td>
                          </tr>`
                        : null
                    }`,
              )}
            </tbody>
          </table>`
    }
  <//>`;
}
