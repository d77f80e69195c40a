// Violations: open by default, grouped by check with denied titles first, filtered, live (no duplicates on reconnect),
// with true counts from the server; security grants an exemption from a row and ends it later.
import { html, useEffect, useMemo, useRef, useState } from "./vendor/vendor.js";
import { may } from "./api-session.js";
import { endExemption, grantExemption } from "./api-exemptions.js";
import { followViolations, listViolations } from "./api-violations.js";
import { checkName, isDenied, Note, Page, Td, when } from "./ui.js";

const PAGE = 200;
const CHECKS = ["software", "usb-storage", "screen-lock", "agent-silent"];

const matches = (v, f) =>
  (f.status === "all" || v.status === f.status) &&
  (f.check === "" || v.check === f.check) &&
  (f.subject === "" || v.subject === f.subject) &&
  (f.host === "" || v.hostname.toLowerCase().includes(f.host.toLowerCase())) &&
  (f.since === "" || v.lastSeen >= new Date(f.since).toISOString());

export function ViolationsPage({ me }) {
  const [filter, setFilter] = useState({ status: "open", check: "", subject: "", host: "", since: "" });
  const [rows, setRows] = useState(new Map());
  const [counts, setCounts] = useState({ total: undefined, byCheck: {} });
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(undefined);
  const [live, setLive] = useState("connecting");
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const query = (f, extra = {}) => ({
    status: f.status,
    check: f.check || undefined,
    subject: f.subject || undefined,
    since: f.since ? new Date(f.since).toISOString() : undefined,
    ...extra,
  });

  const refreshCounts = useMemo(() => {
    let timer;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        listViolations(query(filterRef.current, { limit: 1 })).then(
          (p) => setCounts({ total: p.total, byCheck: p.byCheck ?? {} }),
          () => {},
        );
      }, 300);
    };
  }, []);

  useEffect(() => {
    let current = true;
    setError(undefined);
    listViolations(query(filter, { limit: PAGE })).then(
      (p) => {
        if (!current) return;
        setRows(new Map(p.items.filter((v) => matches(v, filter)).map((v) => [v.id, v])));
        setCounts({ total: p.total, byCheck: p.byCheck ?? {} });
        setCursor(p.nextCursor);
      },
      (e) => current && setError(e.message),
    );
    return () => (current = false);
  }, [filter]);

  useEffect(
    () =>
      followViolations({
        onState: setLive,
        onEvent: (event) => {
          // One row per violation id: an event replaces the row it updates, and a replay after a reconnect changes nothing.
          // A row on screen that leaves the filter (exempted, resolved) stays, showing its new state, until the view reloads.
          const show = (v) =>
            setRows((before) => {
              const next = new Map(before);
              if (matches(v, filterRef.current) || before.has(v.id)) next.set(v.id, v);
              return next;
            });
          show(event);
          refreshCounts();
          // The feed says a violation was exempted; which exemption covers it (approver, reason, expiry) is read once.
          if (event.status === "exempted" && event.exemption === undefined) {
            listViolations({ status: "exempted", device: event.deviceId, check: event.check, subject: event.subject, limit: 1 }).then(
              (p) =>
                p.items
                  .filter((v) => v.id === event.id)
                  .forEach((v) => setRows((before) => (before.get(v.id)?.status === "exempted" ? new Map(before).set(v.id, v) : before))),
              () => {},
            );
          }
        },
      }),
    [],
  );

  const more = async () => {
    const p = await listViolations(query(filter, { limit: PAGE, cursor }));
    setRows((before) => new Map([...before, ...p.items.filter((v) => matches(v, filter)).map((v) => [v.id, v])]));
    setCursor(p.nextCursor);
  };

  const groups = useMemo(() => {
    const by = new Map();
    for (const v of rows.values()) by.set(v.check, [...(by.get(v.check) ?? []), v]);
    const sorted = [...by.entries()].map(([check, list]) => [
      check,
      list.sort((a, b) => Number(isDenied(b)) - Number(isDenied(a)) || (a.id < b.id ? 1 : -1)),
    ]);
    return sorted.sort(
      ([a, la], [b, lb]) =>
        Number(lb.some(isDenied)) - Number(la.some(isDenied)) || (counts.byCheck[b] ?? lb.length) - (counts.byCheck[a] ?? la.length),
    );
  }, [rows, counts]);

  const set = (key) => (e) => setFilter({ ...filter, [key]: e.currentTarget.value });
  const shown = rows.size;
  return html`<${Page}
    title="Violations"
    count=${counts.total === undefined ? undefined : `${counts.total} ${filter.status === "all" ? "in all" : filter.status}`}
  >
    <p id="live" class=${`live live-${live}`} role="status" aria-live="polite">
      ${live === "live" ? "● live" : live === "reconnecting" ? "○ reconnecting…" : "○ connecting…"}
    </p>
    <form class="filters" aria-label="Filter violations" onSubmit=${(e) => e.preventDefault()}>
      <label
        >Status
        <select id="f-status" value=${filter.status} onChange=${set("status")}>
          ${["open", "exempted", "resolved", "all"].map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
      <label
        >Check
        <select id="f-check" value=${filter.check} onChange=${set("check")}>
          <option value="">every check</option>
          ${CHECKS.map((c) => html`<option value=${c}>${checkName(c)}</option>`)}
        </select></label
      >
      <label
        >Title or subject <input id="f-subject" value=${filter.subject} onChange=${set("subject")} placeholder="e.g. wireshark"
      /></label>
      <label>Device <input id="f-host" value=${filter.host} onChange=${set("host")} placeholder="hostname" /></label>
      <label>Seen since <input id="f-since" type="datetime-local" value=${filter.since} onChange=${set("since")} /></label>
    </form>
    <${Note} error=${error} />
    ${groups.length === 0 && error === undefined ? html`<p class="note" role="status">No ${filter.status === "all" ? "" : filter.status} violations match.</p>` : null}
    ${groups.map(
      ([check, list]) =>
        html`<section class="group" aria-labelledby=${`g-${check}`}>
          <h3 id=${`g-${check}`}>
            ${checkName(check)} <span class="count" data-check=${check}>${counts.byCheck[check] ?? list.length}</span>
          </h3>
          <table class="violations">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Message</th>
                <th scope="col">Since</th>
                <th scope="col">Last seen</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${list.map((v) => html`<${Row} key=${v.id} v=${v} me=${me} onChanged=${refreshCounts} />`)}
            </tbody>
          </table>
        </section>`,
    )}
    ${cursor !== null && counts.total !== undefined && shown < counts.total ? html`<p><button type="button" onClick=${more}>Show more (${shown} of ${counts.total} shown)</button></p>` : null}
  <//>`;
}

function Row({ v, me, onChanged }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState(undefined);
  const canExempt = may(me.role, "security");
  const end = async () => {
    setError(undefined);
    try {
      await endExemption(v.exemption.id);
      onChanged();
    } catch (e) {
      setError(e.message);
    }
  };
  const exemption = v.exemption
    ? ` by ${v.exemption.approvedBy} until ${new Date(v.exemption.expiresAt).toLocaleDateString()}: ${v.exemption.reason}`
    : null;
  return html`<tr class=${`violation violation-${v.status}${isDenied(v) ? " denied" : ""}`} data-id=${v.id}>
      <${Td} label="Device"><a href=${`#/devices/${encodeURIComponent(v.deviceId)}`}>${v.hostname}</a><//>
      <${Td} label="Subject">${v.title?.name ?? v.subject}${isDenied(v) ? html` <span class="tag tag-denied">denied</span>` : null}<//>
      <${Td} label="Status" class="status">${v.status}${exemption === null ? null : html`<span class="exemption">${exemption}</span>`}<//>
      <${Td} label="Message">${v.message}<//>
      <${Td} label="Since">${when(v.firstSeen)}<//>
      <${Td} label="Last seen">${when(v.resolvedAt ?? v.lastSeen)}<//>
      <${Td} label="Actions">
        ${
          canExempt && v.status === "open"
            ? html`<button type="button" class="exempt" aria-expanded=${open} onClick=${() => setOpen(!open)}>Exempt…</button>`
            : null
        }
        ${
          canExempt && v.status === "exempted" && v.exemption
            ? html`<button type="button" class="end-exemption" onClick=${end}>End exemption</button>`
            : null
        }
        ${error ? html`<span class="error" role="alert">${error}</span>` : null}
      <//>
    </tr>
    ${
      open
        ? html`<tr class="exempt-form-row">
            <td colspan="7">
              <${ExemptForm}
                target=${{ deviceId: v.deviceId, hostname: v.hostname, check: v.check, subject: v.subject, name: v.title?.name ?? v.subject }}
                me=${me}
                onDone=${() => (setOpen(false), onChanged())}
              />
            </td>
          </tr>`
        : null
    }`;
}

/** target: {deviceId (absent: every device), hostname, check, subject, name}; the approver is the signed-in token's name. */
export function ExemptForm({ target: v, me, onDone }) {
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const id = `ex-${v.check}-${v.subject}-${v.deviceId ?? "all"}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const inMonths = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expires = form.get("expires")?.toString() ?? "";
    const input = {
      device: v.deviceId === undefined || form.get("scope") === "fleet" ? "*" : v.deviceId,
      check: v.check,
      subject: v.subject,
      reason: form.get("reason")?.toString().trim() ?? "",
      approvedBy: me.name,
      expiresAt: expires === "" ? "" : new Date(`${expires}T23:59:59`).toISOString(),
    };
    setBusy(true);
    try {
      const answer = await grantExemption(input);
      if (answer.error !== undefined) setError(answer.error);
      else onDone();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="exempt-form" aria-label=${`Exempt ${v.name} on ${v.hostname ?? "every device"}`} onSubmit=${submit}>
    <p>Exempt <strong>${v.name}</strong> (${checkName(v.check)}). Approver: <strong>${me.name}</strong> (your token).</p>
    <label for=${`${id}-reason`}>Reason (the written consent)</label>
    <textarea id=${`${id}-reason`} name="reason" required rows="2"></textarea>
    <label for=${`${id}-expires`}>Expires on</label>
    <input id=${`${id}-expires`} name="expires" type="date" required value=${inMonths} />
    ${
      v.deviceId === undefined
        ? html`<p>Applies to every device.</p>`
        : html`<fieldset>
            <legend>Applies to</legend>
            <label><input type="radio" name="scope" value="device" checked /> ${v.hostname} only</label>
            <label><input type="radio" name="scope" value="fleet" /> every device</label>
          </fieldset>`
    }
    ${error ? html`<p class="note error" role="alert">${error}</p>` : null}
    <button type="submit" disabled=${busy}>Grant exemption</button>
  </form>`;
}
