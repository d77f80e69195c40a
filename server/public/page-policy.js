// The policy editor: rules as rows, validation by the shared schema in the browser before saving, a diff against the
// current version, history (each old version), and the rollout live (connected devices, and offline ones pending).
import { html, PolicyUpdate, useEffect, useMemo, useState } from "./vendor/vendor.js";
import { may } from "./api-session.js";
import { getPolicy, policyHistory, policyRollout, policyVersion, previewPolicy, putPolicy } from "./api-policy.js";
import { Loading, Note, Page, Td, useLoad, when, withoutVersion } from "./ui.js";

const SOURCES = ["", "dpkg", "rpm", "snap", "flatpak", "homebrew", "app", "pkgutil", "registry", "winget", "appx"];
const CATEGORIES = [
  "",
  "port-scanner",
  "network-scanner",
  "password-cracker",
  "sniffer",
  "network-monitor",
  "interception-proxy",
  "exploitation",
  "vulnerability-scanner",
  "credential-theft",
  "wireless-attack",
  "remote-access",
  "malware",
];
const RULE_FIELDS = [
  ["id", "Rule id"],
  ["name", "Name pattern"],
  ["publisher", "Publisher"],
  ["teamId", "Team id"],
  ["signer", "Signer"],
  ["origin", "Origin"],
  ["bundleId", "Bundle id"],
  ["source", "Source", SOURCES],
  ["version", "Version range"],
  ["category", "Category", CATEGORIES],
  ["reason", "Reason"],
];
const USB_FIELDS = [
  ["vendorId", "Vendor id"],
  ["productId", "Product id"],
  ["serial", "Serial"],
  ["note", "Note"],
];
/** The policy's lists, each edited as rows: `path` is where it sits in the draft (and in the schema's messages). */
const ROW_LISTS = [
  { title: "Deny rules", id: "deny", fields: RULE_FIELDS, path: "software.deny" },
  { title: "Allow rules", id: "allow", fields: RULE_FIELDS, path: "software.allow" },
  { title: "USB exceptions", id: "usb", fields: USB_FIELDS, path: "usbStorage.exceptions" },
];

/** The draft as a document: empty fields left out, numbers as numbers (the schema then says what is wrong). */
export function documentOf(draft) {
  const clean = (row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== "" && v !== undefined));
  return {
    screenLock: { maxIdleSeconds: Number(draft.screenLock.maxIdleSeconds), requirePassword: draft.screenLock.requirePassword },
    usbStorage: { ...draft.usbStorage, exceptions: draft.usbStorage.exceptions.map(clean) },
    software: { mode: draft.software.mode, allow: draft.software.allow.map(clean), deny: draft.software.deny.map(clean) },
    heartbeatSeconds: Number(draft.heartbeatSeconds),
  };
}

/** What changed between two documents, in words: rules added or removed, settings changed. */
export function diffPolicies(before, after) {
  const out = [];
  const key = (r) => JSON.stringify(Object.entries(r).sort());
  for (const list of ["allow", "deny"]) {
    const was = new Set(before.software[list].map(key));
    const now = new Set(after.software[list].map(key));
    for (const r of after.software[list])
      if (!was.has(key(r))) out.push({ kind: "added", text: `${list} rule ${r.id ?? r.name ?? JSON.stringify(r)}` });
    for (const r of before.software[list])
      if (!now.has(key(r))) out.push({ kind: "removed", text: `${list} rule ${r.id ?? r.name ?? JSON.stringify(r)}` });
  }
  const scalars = [
    ["screen lock after (s)", (p) => p.screenLock.maxIdleSeconds],
    ["screen lock password", (p) => p.screenLock.requirePassword],
    ["USB storage allowed", (p) => p.usbStorage.allowed],
    ["USB enforcement", (p) => p.usbStorage.enforce],
    ["USB exceptions", (p) => JSON.stringify(p.usbStorage.exceptions)],
    ["software mode", (p) => p.software.mode],
    ["heartbeat (s)", (p) => p.heartbeatSeconds],
  ];
  for (const [label, get] of scalars)
    if (get(before) !== get(after)) out.push({ kind: "changed", text: `${label}: ${String(get(before))} → ${String(get(after))}` });
  return out;
}

const draftOf = (policy) => structuredClone(withoutVersion(policy));

export function PolicyPage({ me }) {
  const current = useLoad(getPolicy, []);
  const [draft, setDraft] = useState(undefined);
  const [saved, setSaved] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [preview, setPreview] = useState(undefined);
  useEffect(() => {
    if (current.data !== undefined) setDraft(draftOf(current.data));
  }, [current.data]);
  const editable = may(me.role, "admin");
  const doc = useMemo(() => (draft === undefined ? undefined : documentOf(draft)), [draft]);
  const check = useMemo(() => (doc === undefined ? undefined : PolicyUpdate.safeParse(doc)), [doc]);
  const issues = check?.success === false ? check.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) : [];
  // A preview answers for the draft it was asked about: an edit makes it stale.
  useEffect(() => setPreview(undefined), [doc]);
  const changes = useMemo(
    () => (doc === undefined || current.data === undefined ? [] : diffPolicies(documentOf(draftOf(current.data)), doc)),
    [doc, current.data],
  );
  if (current.data === undefined || draft === undefined)
    return html`<${Page} title="Policy">${current.error ? html`<${Note} error=${current.error} />` : html`<${Loading} />`}<//>`;
  const invalid = (path) => issues.some((i) => i.path === path || i.path.startsWith(`${path}.`));
  const save = async () => {
    setError(undefined);
    try {
      const stored = await putPolicy(check.data);
      setSaved(stored.version);
      current.reload();
    } catch (e) {
      setError(e.message);
    }
  };
  const runPreview = async () => {
    setError(undefined);
    setPreview({ running: true });
    try {
      setPreview({ result: await previewPolicy(check.data) });
    } catch (e) {
      setPreview(undefined);
      setError(e.message);
    }
  };
  const update = (fn) =>
    setDraft((d) => {
      const next = structuredClone(d);
      fn(next);
      return next;
    });
  return html`<${Page} title=${`Policy v${current.data.version}`}>
    <${Rollout} />
    <form id="policy-editor" aria-label="Policy" onSubmit=${(e) => (e.preventDefault(), save())}>
      <fieldset disabled=${!editable}>
        <legend>Screen lock and USB</legend>
        <label
          >Lock after at most (seconds)
          <input
            id="p-idle"
            type="number"
            value=${draft.screenLock.maxIdleSeconds}
            aria-invalid=${invalid("screenLock.maxIdleSeconds")}
            onInput=${(e) => update((d) => (d.screenLock.maxIdleSeconds = e.currentTarget.value))}
        /></label>
        <label
          ><input
            type="checkbox"
            checked=${draft.screenLock.requirePassword}
            onChange=${(e) => update((d) => (d.screenLock.requirePassword = e.currentTarget.checked))}
          />
          Password required to unlock</label
        >
        <label
          ><input
            type="checkbox"
            checked=${draft.usbStorage.allowed}
            onChange=${(e) => update((d) => (d.usbStorage.allowed = e.currentTarget.checked))}
          />
          USB storage allowed</label
        >
        <label
          >On a USB stick
          <select value=${draft.usbStorage.enforce} onChange=${(e) => update((d) => (d.usbStorage.enforce = e.currentTarget.value))}>
            <option value="report">report</option>
            <option value="eject">eject</option>
          </select></label
        >
        <label
          >Heartbeat (seconds)
          <input
            type="number"
            value=${draft.heartbeatSeconds}
            aria-invalid=${invalid("heartbeatSeconds")}
            onInput=${(e) => update((d) => (d.heartbeatSeconds = e.currentTarget.value))}
        /></label>
        <label
          >Software mode
          <select value=${draft.software.mode} onChange=${(e) => update((d) => (d.software.mode = e.currentTarget.value))}>
            <option value="allowlist">allowlist</option>
            <option value="denylist">denylist</option>
          </select></label
        >
      </fieldset>
      ${ROW_LISTS.map(({ title, id, fields, path }) => {
        const [group, list] = path.split(".");
        return html`<${Rows}
          key=${id}
          title=${title}
          id=${id}
          rows=${draft[group][list]}
          fields=${fields}
          path=${path}
          editable=${editable}
          invalid=${invalid}
          onChange=${(rows) => update((d) => (d[group][list] = rows))}
        />`;
      })}
      <section aria-labelledby="validation-h">
        <h3 id="validation-h">Check before saving</h3>
        ${
          issues.length > 0
            ? html`<ul id="validation" class="issues" role="alert">
                ${issues.map((i) => html`<li><code>${i.path || "policy"}</code>: ${i.message}</li>`)}
              </ul>`
            : html`<p id="validation" class="note ok" role="status">The policy is valid.</p>`
        }
        <h4>Changes against v${current.data.version}</h4>
        ${
          changes.length === 0
            ? html`<p id="diff" class="note">No changes.</p>`
            : html`<ul id="diff" class="diff">
                ${changes.map((c) => html`<li class=${`diff-${c.kind}`}>${c.kind}: ${c.text}</li>`)}
              </ul>`
        }
        <${Note} error=${error}>${saved === undefined ? undefined : `Saved as v${saved}; pushed to every connected device.`}<//>
        ${
          editable
            ? html`<p class="actions">
                <button
                  type="button"
                  id="preview-policy"
                  disabled=${issues.length > 0 || changes.length === 0 || preview?.running}
                  onClick=${runPreview}
                >
                  Preview on the fleet
                </button>
                <button type="submit" id="save-policy" disabled=${issues.length > 0 || changes.length === 0}>Save and push</button>
              </p>`
            : null
        }
        ${preview?.running ? html`<p class="note" role="status">Asking the connected agents…</p>` : null}
        ${preview?.result ? html`<${PreviewResult} result=${preview.result} />` : null}
      </section>
    </form>
    <${History} version=${current.data.version} />
  <//>`;
}

function Rows({ title, id, rows, fields, path, editable, invalid, onChange }) {
  const set = (i, field, value) => onChange(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  return html`<fieldset class="rows" id=${`rows-${id}`}>
    <legend>${title} (${rows.length})</legend>
    <table>
      <thead>
        <tr>
          ${fields.map(([, label]) => html`<th scope="col">${label}</th>`)}
          <th scope="col"><span class="sr-only">Remove</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r, i) =>
            html`<tr>
              ${fields.map(([field, label, options]) => {
                const inputId = `${id}-${i}-${field}`;
                const bad =
                  invalid(`${path}.${i}.${field}`) ||
                  (field === fields[0][0] && invalid(`${path}.${i}`) && !fields.some(([f]) => invalid(`${path}.${i}.${f}`)));
                return html`<td data-label=${label}>
                  <label class="sr-only" for=${inputId}>${label} of ${title.toLowerCase()} row ${i + 1}</label>
                  ${
                    options
                      ? html`<select
                          id=${inputId}
                          value=${r[field] ?? ""}
                          disabled=${!editable}
                          aria-invalid=${bad}
                          onChange=${(e) => set(i, field, e.currentTarget.value)}
                        >
                          ${options.map((o) => html`<option value=${o}>${o || "—"}</option>`)}
                        </select>`
                      : html`<input
                          id=${inputId}
                          value=${r[field] ?? ""}
                          disabled=${!editable}
                          aria-invalid=${bad}
                          onInput=${(e) => set(i, field, e.currentTarget.value)}
                        />`
                  }
                </td>`;
              })}
              <td>
                ${editable ? html`<button type="button" aria-label=${`Remove ${title.toLowerCase()} row ${i + 1}`} onClick=${() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>` : null}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${editable ? html`<button type="button" id=${`add-${id}`} onClick=${() => onChange([...rows, {}])}>Add a row</button>` : null}
  </fieldset>`;
}

function Rollout() {
  const [rollout, setRollout] = useState(undefined);
  const [error, setError] = useState(undefined);
  useEffect(() => {
    let timer;
    let stopped = false;
    const tick = () =>
      policyRollout()
        .then(
          (r) => !stopped && (setRollout(r), setError(undefined)),
          (e) => !stopped && setError(e.message),
        )
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, 2_000);
        });
    tick();
    return () => ((stopped = true), clearTimeout(timer));
  }, []);
  if (rollout === undefined) return html`<${Note} error=${error} />`;
  const onLatest = rollout.versions.find((v) => v.version === rollout.latestVersion)?.devices ?? 0;
  const offline = rollout.offline ?? [];
  // Offline devices are listed only when behind: the ones on the newest version count as reached.
  const reached = onLatest;
  return html`<section id="rollout" aria-labelledby="rollout-h" aria-live="polite">
    <h3 id="rollout-h">Rollout of v${rollout.latestVersion}</h3>
    <p id="rollout-line">
      <strong>${reached}/${reached + rollout.pending.length}</strong> connected devices run v${rollout.latestVersion}.
      ${offline.length > 0 ? ` ${offline.length} offline pending.` : ""}
    </p>
    ${rollout.pending.length > 0 ? html`<p>Applying now: ${rollout.pending.map((d) => `${d.hostname} (v${d.appliedVersion ?? "–"})`).join(", ")}</p>` : null}
    ${offline.length > 0 ? html`<p id="rollout-offline">Pending, offline: ${offline.map((d) => `${d.hostname} (v${d.appliedVersion ?? "–"})`).join(", ")}</p>` : null}
  </section>`;
}

function History({ version }) {
  const { data, error } = useLoad(policyHistory, [version]);
  const [shown, setShown] = useState(undefined);
  const view = async (v) => setShown(shown?.version === v ? undefined : await policyVersion(v));
  return html`<section aria-labelledby="history-h">
    <h3 id="history-h">History</h3>
    <${Note} error=${error} />
    <table id="history">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Author</th>
          <th scope="col">When</th>
          <th scope="col">What changed</th>
          <th scope="col"><span class="sr-only">View</span></th>
        </tr>
      </thead>
      <tbody>
        ${(data?.items ?? []).map(
          (h) =>
            html`<tr>
              <${Td} label="Version">v${h.version}<//
              ><${Td} label="Author">${h.author}<//
              ><${Td} label="When">${when(h.createdAt)}<//
              ><${Td} label="What changed">${h.summary}<//>
              <td>
                <button type="button" aria-expanded=${shown?.version === h.version} onClick=${() => view(h.version)}>
                  View v${h.version}
                </button>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${shown ? html`<pre class="document" tabindex="0" aria-label=${`Policy v${shown.version}`}>${JSON.stringify(shown.policy, null, 2)}</pre>` : null}
  </section>`;
}

function PreviewItems({ label, items }) {
  return html`<h5>${label}: ${items.length}</h5>
    ${
      items.length === 0
        ? null
        : html`<ul>
            ${items.map((i) => html`<li>${i.title} (${i.check}) on ${i.devices.map((d) => d.hostname).join(", ")}</li>`)}
          </ul>`
    }`;
}

function PreviewResult({ result }) {
  return html`<section id="preview" aria-labelledby="preview-h" role="status">
    <h4 id="preview-h">Preview: judged by ${result.devices} connected device(s), ${result.notPreviewed} not previewed</h4>
    <${PreviewItems} label="Would open" items=${result.opened} />
    <${PreviewItems} label="Would resolve" items=${result.resolved} />
    ${result.omitted ? html`<p>${result.omitted} more left out by the agents.</p>` : null}
  </section>`;
}
