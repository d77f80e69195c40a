// The cockpit: sign in with a token (kept in this tab's sessionStorage), then pages by hash route. Write controls
// show only for roles that may use them; the server enforces every role anyway.
import { html, render, useEffect, useState } from "./vendor/vendor.js";
import { onUnauthorized, session } from "./api.js";
import { may, whoAmI } from "./api-session.js";
import { AuditPage } from "./page-audit.js";
import { DevicePage } from "./page-device.js";
import { DevicesPage } from "./page-devices.js";
import { ExemptionsPage } from "./page-exemptions.js";
import { PolicyPage } from "./page-policy.js";
import { SoftwarePage } from "./page-software.js";
import { TokensPage } from "./page-tokens.js";
import { ViolationsPage } from "./page-violations.js";

const NAV = [
  { path: "violations", label: "Violations", role: "viewer" },
  { path: "devices", label: "Devices", role: "viewer" },
  { path: "software", label: "Software", role: "viewer" },
  { path: "policy", label: "Policy", role: "viewer" },
  { path: "exemptions", label: "Exemptions", role: "viewer" },
  { path: "audit", label: "Audit", role: "admin" },
  { path: "tokens", label: "Tokens", role: "admin" },
];

const route = () => {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  return { page: parts[0] || "violations", arg: parts[1] };
};

function SignIn({ onSignedIn, message }) {
  const [error, setError] = useState(message);
  const submit = async (e) => {
    e.preventDefault();
    const token = new FormData(e.currentTarget).get("token")?.toString().trim() ?? "";
    if (token === "") return setError("Enter a token.");
    session.signIn(token);
    try {
      onSignedIn(await whoAmI());
    } catch (err) {
      session.signOut();
      setError(err.status === 401 ? "That token was not accepted: check it, or ask IT for a new one." : err.message);
    }
  };
  return html`<main id="main">
    <form id="sign-in" class="sign-in" onSubmit=${submit}>
      <h2>Sign in</h2>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-hint" />
      <p id="token-hint" class="hint">Your personal or team token. It is kept in this tab only and forgotten when the tab closes.</p>
      ${error ? html`<p class="note error" role="alert">${error}</p>` : null}
      <button type="submit">Sign in</button>
    </form>
  </main>`;
}

function App() {
  const [me, setMe] = useState(undefined);
  const [checked, setChecked] = useState(false);
  const [message, setMessage] = useState(undefined);
  const [where, setWhere] = useState(route());
  useEffect(() => {
    const onHash = () => setWhere(route());
    addEventListener("hashchange", onHash);
    onUnauthorized((text) => {
      session.signOut();
      setMe(undefined);
      setMessage(`Signed out: ${text}`);
    });
    if (session.token() === null) setChecked(true);
    else
      whoAmI().then(
        (info) => (setMe(info), setChecked(true)),
        () => (session.signOut(), setChecked(true)),
      );
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    document.getElementById("page-title")?.focus();
  }, [where.page, where.arg]);
  if (!checked) return null;
  if (me === undefined)
    return html`<${Header} /><${SignIn} onSignedIn=${(info) => (setMessage(undefined), setMe(info))} message=${message} />`;
  const signOut = () => {
    session.signOut();
    setMe(undefined);
    setMessage("Signed out.");
  };
  const nav = NAV.filter((n) => may(me.role, n.role));
  const allowed = nav.some((n) => n.path === where.page);
  return html`<${Header} me=${me} onSignOut=${signOut}>
      <nav aria-label="Pages">
        <ul>
          ${nav.map((n) => html`<li><a href=${`#/${n.path}`} aria-current=${n.path === where.page ? "page" : undefined}>${n.label}</a></li>`)}
        </ul>
      </nav>
    <//>
    <main id="main">
      ${allowed ? pageOf(where, me) : html`<p class="note error" role="alert">There is no page "${where.page}" for the ${me.role} role.</p>`}
    </main>`;
}

function pageOf({ page, arg }, me) {
  switch (page) {
    case "violations":
      return html`<${ViolationsPage} me=${me} />`;
    case "devices":
      return arg === undefined ? html`<${DevicesPage} />` : html`<${DevicePage} id=${arg} me=${me} />`;
    case "software":
      return html`<${SoftwarePage} me=${me} />`;
    case "policy":
      return html`<${PolicyPage} me=${me} />`;
    case "exemptions":
      return html`<${ExemptionsPage} me=${me} />`;
    case "audit":
      return html`<${AuditPage} />`;
    case "tokens":
      return html`<${TokensPage} me=${me} />`;
    default:
      return null;
  }
}

function Header({ me, onSignOut, children }) {
  return html`<header>
    <a class="skip" href="#main">Skip to content</a>
    <h1>WeGroup compliance</h1>
    ${
      me === undefined
        ? null
        : html`<p class="who">
            Signed in as <strong>${me.name}</strong> (${me.role}) <button type="button" id="sign-out" onClick=${onSignOut}>Sign out</button>
          </p>`
    }
    ${children}
  </header>`;
}

render(html`<${App} />`, document.getElementById("app"));
