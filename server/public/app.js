// The dashboard: asks for a token once, keeps it in localStorage, shows devices and open violations from the API.
/* global document, localStorage, fetch, setInterval, clearInterval -- a browser script; the lint config only knows Node globals */
const TOKEN_KEY = "compliance.token";
const REFRESH_MS = 10_000;

const $ = (selector) => document.querySelector(selector);
let timer;

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

async function refresh() {
  try {
    const [devices, violations] = await Promise.all([api("/api/v1/devices"), api("/api/v1/violations?status=open&limit=200")]);
    const hostById = new Map(devices.items.map((d) => [d.id, d.hostname]));
    $("#devices tbody").replaceChildren(
      ...devices.items.map((d) =>
        row([d.hostname, d.os, d.status, String(d.openViolations), d.policyVersion == null ? null : `v${d.policyVersion}`, d.agentVersion, when(d.lastSeen)], `status-${d.status}`),
      ),
    );
    $("#violations tbody").replaceChildren(
      ...violations.items.map((v) => row([v.hostname || hostById.get(v.deviceId), v.check, v.subject, v.message, when(v.firstSeen), when(v.lastSeen)])),
    );
    $("#device-count").textContent = `(${devices.items.length})`;
    $("#violation-count").textContent = `(${violations.items.length}${violations.nextCursor ? "+" : ""})`;
    $("#status").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error.message !== "unauthorized") $("#status").textContent = `could not refresh: ${error.message}`;
  }
}

function show(signedIn) {
  $("#sign-in").hidden = signedIn;
  $("#content").hidden = !signedIn;
  $("#sign-out").hidden = !signedIn;
  clearInterval(timer);
  if (signedIn) {
    void refresh();
    timer = setInterval(refresh, REFRESH_MS);
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
