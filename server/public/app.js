// The dashboard: asks for a token once (kept in localStorage), shows devices, open and exempted violations and the policy rollout, and follows the live feed.
const TOKEN_KEY = "compliance.token";
/** A safety net under the live feed: everything is re-read this often anyway. */
const REFRESH_MS = 30_000;
/** Feed events come in bursts: device counts and the rollout are re-read at most this often. */
const DEBOUNCE_MS = 1_000;
const FEED_ROWS = 100;

const $ = (selector) => document.querySelector(selector);
let timer;
let debounce;
let source;
/** The lasting violations shown, by id: the feed updates them in place. */
const lasting = new Map();

function token() {
  return localStorage.getItem(TOKEN_KEY);
}

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
  if (res.status === 401) {
    signOut("That token was not accepted. Sign in again.");
    throw new Error("unauthorized");
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** Builds a row from text only: data from the API never becomes markup. */
function row(cells, className) {
  const tr = document.createElement("tr");
  if (className) tr.className = className;
  for (const value of cells) {
    const td = document.createElement("td");
    td.textContent = value ?? "—";
    tr.append(td);
  }
  return tr;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "never";
}

function setLive(state, text) {
  const el = $("#live");
  el.className = `live live-${state}`;
  el.textContent = text;
}

function renderDevices(devices) {
  $("#devices tbody").replaceChildren(
    ...devices.items.map((d) => {
      const tr = row([d.reEnrollmentOf ? `${d.hostname} (re-enrollment)` : d.hostname, d.os, d.status, String(d.openViolations), d.policyVersion == null ? null : `v${d.policyVersion}`, d.agentVersion, when(d.lastSeen)], `status-${d.status}`);
      tr.dataset.id = d.id;
      return tr;
    }),
  );
  $("#device-count").textContent = `(${devices.items.length})`;
}

function renderRollout(rollout) {
  const versions = rollout.versions
    .slice()
    .sort((a, b) => b.version - a.version)
    .map((v) => `${v.devices} on v${v.version}`)
    .join(", ");
  const pending = rollout.pending.length === 0 ? "every connected device runs it" : `${rollout.pending.length} connected device(s) have not applied it yet: ${rollout.pending.map((p) => p.hostname).join(", ")}`;
  $("#rollout").textContent = `Policy v${rollout.latestVersion} — ${versions || "no devices yet"}; ${pending}.`;
}

function renderViolations() {
  const items = [...lasting.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
  $("#violations tbody").replaceChildren(
    ...items.map((v) => {
      const tr = row([v.hostname, v.check, v.subject, v.status, v.message, when(v.firstSeen), when(v.lastSeen)], `violation-${v.status}`);
      tr.dataset.id = v.id;
      return tr;
    }),
  );
  const open = items.filter((v) => v.status === "open").length;
  $("#violation-count").textContent = `(${open} open, ${items.length - open} exempted)`;
}

async function refreshCounts() {
  const [devices, rollout] = await Promise.all([api("/api/v1/devices"), api("/api/v1/policy/rollout").catch(() => null)]);
  renderDevices(devices);
  if (rollout) renderRollout(rollout);
}

async function refresh() {
  try {
    const [open, exempted] = await Promise.all([api("/api/v1/violations?status=open&limit=500"), api("/api/v1/violations?status=exempted&limit=500"), refreshCounts()]);
    lasting.clear();
    for (const v of [...open.items, ...exempted.items]) lasting.set(v.id, v);
    renderViolations();
    $("#status").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error.message !== "unauthorized") $("#status").textContent = `could not refresh: ${error.message}`;
  }
}

function onViolation(event) {
  const v = JSON.parse(event.data);
  if (v.status === "resolved") lasting.delete(v.id);
  else lasting.set(v.id, v);
  renderViolations();
  const tr = row([new Date().toLocaleTimeString(), v.status, v.hostname, v.check, v.subject, v.message], `violation-${v.status}`);
  tr.dataset.id = v.id;
  tr.dataset.seq = event.lastEventId;
  $("#feed tbody").prepend(tr);
  while ($("#feed tbody").children.length > FEED_ROWS) $("#feed tbody").lastElementChild.remove();
  clearTimeout(debounce);
  debounce = setTimeout(() => void refreshCounts().catch(() => {}), DEBOUNCE_MS);
}

/** A known hardware id enrolled again: a new device record, flagged; the earlier device keeps its credential. */
function onDevice(event) {
  const n = JSON.parse(event.data);
  const message = `enrolled again as a new device (${n.deviceId}); the earlier device ${n.reEnrollmentOf} keeps its credential`;
  $("#feed tbody").prepend(row([new Date(n.at).toLocaleTimeString(), n.kind, n.hostname, "enrollment", n.reEnrollmentOf, message], "device-notice"));
  while ($("#feed tbody").children.length > FEED_ROWS) $("#feed tbody").lastElementChild.remove();
  clearTimeout(debounce);
  debounce = setTimeout(() => void refreshCounts().catch(() => {}), DEBOUNCE_MS);
}

/** EventSource cannot send headers: the token goes in the query (the server never logs it). It reconnects with Last-Event-ID by itself. */
function follow() {
  source?.close();
  source = new EventSource(`/api/v1/violations/stream?${new URLSearchParams({ token: token() })}`);
  setLive("connecting", "connecting…");
  source.addEventListener("ready", () => setLive("on", "live"));
  source.addEventListener("violation", onViolation);
  source.addEventListener("device", onDevice);
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      setLive("off", "feed closed");
      // Refused (a revoked token?) or gone: find out through the API, which signs out on 401.
      setTimeout(() => void refresh().then(() => token() && follow()), 5_000);
    } else {
      setLive("off", "reconnecting…");
    }
  });
}

function show(signedIn) {
  $("#sign-in").hidden = signedIn;
  $("#content").hidden = !signedIn;
  $("#sign-out").hidden = !signedIn;
  clearInterval(timer);
  source?.close();
  source = undefined;
  if (signedIn) {
    follow();
    void refresh();
    timer = setInterval(refresh, REFRESH_MS);
  } else {
    setLive("off", "");
  }
}

function signOut(message = "") {
  localStorage.removeItem(TOKEN_KEY);
  $("#status").textContent = message;
  show(false);
}

$("#sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("#token").value.trim();
  if (!value) return;
  localStorage.setItem(TOKEN_KEY, value);
  $("#token").value = "";
  show(true);
});
$("#sign-out").addEventListener("click", () => signOut());

show(Boolean(token()));
