// Tokens (admin): one per person or team, named for them (the name is the audit actor and the exemption approver).
import { html, useState } from "./vendor/vendor.js";
import { createToken, listTokens, revokeToken } from "./api-tokens.js";
import { Note, Page, Td, useLoad, when } from "./ui.js";

export function TokensPage() {
  const { data, error, reload } = useLoad(listTokens, []);
  const [created, setCreated] = useState(undefined);
  const [formError, setFormError] = useState(undefined);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setFormError(undefined);
    try {
      const answer = await createToken({ name: form.get("name")?.toString().trim() ?? "", role: form.get("role")?.toString() ?? "" });
      if (answer.error !== undefined) return setFormError(answer.error);
      setCreated(answer.created);
      e.currentTarget?.reset?.();
      reload();
    } catch (err) {
      setFormError(err.message);
    }
  };
  const revoke = async (id) => {
    try {
      await revokeToken(id);
      reload();
    } catch (err) {
      setFormError(err.message);
    }
  };
  return html`<${Page} title="Tokens" count=${data?.items.length}>
    <form id="token-form" class="filters" aria-label="New token" onSubmit=${submit}>
      <label>Person or team <input name="name" required maxlength="100" /></label>
      <label
        >Role
        <select name="role">
          <option value="viewer">viewer (read)</option>
          <option value="security">security (read, exemptions)</option>
          <option value="admin">admin (everything)</option>
        </select></label
      >
      <button type="submit">Create token</button>
    </form>
    <${Note} error=${error ?? formError} />
    ${
      created
        ? html`<div class="note ok" role="status">
            <p>Token for ${created.name} (${created.role}), shown only this once:</p>
            <code class="secret">${created.token}</code>
          </div>`
        : null
    }
    <table id="tokens">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Created</th>
          <th scope="col">Revoked</th>
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${(data?.items ?? []).map(
          (t) =>
            html`<tr>
              <${Td} label="Name">${t.name}<//
              ><${Td} label="Role">${t.role}<//
              ><${Td} label="Created">${when(t.createdAt)}<//
              ><${Td} label="Revoked">${t.revokedAt ? when(t.revokedAt) : "—"}<//>
              <${Td} label="Actions">${t.revokedAt ? null : html`<button type="button" onClick=${() => revoke(t.id)}>Revoke</button>`}<//>
            </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}
