// Credentials for a server that asks for them (query.auth.token, tenancy): the bearer token and
// the tenant are asked for when the API answers 401, kept in sessionStorage (this tab only, gone
// when it closes), and sent on every API request. A server that asks for nothing never shows
// the dialog.
import { h } from "./dom.js";

const STORAGE_KEY = "skein.access";
// The tenant names the server accepts (AccessPolicy.isValidTenant).
// Every punctuator escaped: browsers compile `pattern` with the regular expression v flag.
const TENANT_PATTERN = "[A-Za-z0-9!_'\\.\\*\\(\\)\\-]{1,150}";

function stored() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

/** The headers every API request carries: Authorization and the tenant header, when known. */
export function headers() {
  const { token, tenant, tenantHeader } = stored();
  const result = {};
  if (token) result.Authorization = `Bearer ${token}`;
  if (tenant && tenantHeader) result[tenantHeader] = tenant;
  return result;
}

let requirements = null;

/** What the server asks for: {tokenRequired, tenantHeader} (GET /api/v1/access, always open). */
export function required() {
  requirements ??= fetch("/api/v1/access", { headers: { Accept: "application/json" } })
    .then((reply) => (reply.ok ? reply.json() : { tokenRequired: false, tenantHeader: null }))
    .catch(() => ({ tokenRequired: false, tenantHeader: null }));
  return requirements;
}

let asking = null;

/** Opens the dialog (once, however many requests were refused together); resolves to whether
 *  the person entered credentials. */
export function ask(reason) {
  asking ??= required().then((needs) => dialog(reason, needs)).finally(() => { asking = null; });
  return asking;
}

function dialog(reason, needs) {
  return new Promise((resolve) => {
    const current = stored();
    const token = h("input", { name: "token", type: "password", autocomplete: "current-password", required: true, value: current.token ?? "" });
    const tenant = h("input", { name: "tenant", required: true, pattern: TENANT_PATTERN, spellcheck: "false", value: current.tenant ?? "",
      title: "1 to 150 letters, digits and !-_.*'()" });
    const form = h("form", { method: "dialog", class: "access-form" },
      h("h2", {}, "This Skein server asks who you are"),
      h("p", { class: "access-reason" }, reason),
      needs.tokenRequired && h("label", {}, "Bearer token", token),
      needs.tenantHeader && h("label", {}, `Tenant (${needs.tenantHeader})`, tenant),
      h("p", { class: "access-note" }, "Kept for this browser tab only."),
      h("div", { class: "access-actions" },
        h("button", { type: "submit", value: "ok", class: "primary" }, "Continue"),
        h("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel")));
    const box = h("dialog", { class: "access-dialog", "aria-label": "credentials" }, form);
    box.addEventListener("close", () => {
      const entered = box.returnValue === "ok";
      if (entered) {
        sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
          token: needs.tokenRequired ? token.value.trim() : "",
          tenant: needs.tenantHeader ? tenant.value.trim() : "",
          tenantHeader: needs.tenantHeader ?? "",
        }));
        showIdentity();
      }
      box.remove();
      resolve(entered);
    });
    document.body.append(box);
    box.showModal();
    (needs.tokenRequired ? token : tenant).focus();
  });
}

/** fetch() with the credentials; on 401 asks for them and tries again until the person cancels. */
export async function fetchWithAccess(url, options = {}) {
  for (;;) {
    const reply = await fetch(url, { ...options, headers: { ...(options.headers ?? {}), ...headers() } });
    if (reply.status !== 401) return reply;
    let message = "The server refused the request.";
    try {
      const body = JSON.parse(await reply.clone().text());
      message = body?.errors?.[0]?.msg ?? body?.error?.message ?? message;
    } catch { /* not JSON: keep the general message */ }
    if (!(await ask(message))) return reply;
  }
}

/** The header's "tenant · change" button, once the server asks for something. */
async function showIdentity() {
  const button = document.getElementById("access-button");
  if (!button) return;
  const needs = await required();
  if (!needs.tokenRequired && !needs.tenantHeader) return;
  const { tenant } = stored();
  button.textContent = tenant ? `Tenant: ${tenant}` : "Credentials";
  button.hidden = false;
}

/** Download links to the API (CSV, trace JSON) cannot send headers: fetch those with the
 *  credentials and save the answer instead. */
function downloadWithAccess(event) {
  const link = event.target.closest?.("a[download]");
  if (!link || !Object.keys(headers()).length || new URL(link.href, location.href).origin !== location.origin) return;
  event.preventDefault();
  fetchWithAccess(link.href).then((reply) => (reply.ok ? reply.blob() : Promise.reject(new Error(`${reply.status} ${reply.statusText}`))))
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      const save = h("a", { href: url, download: link.getAttribute("download") });
      save.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
}

export function start() {
  document.addEventListener("click", downloadWithAccess);
  const button = document.getElementById("access-button");
  button?.addEventListener("click", () => {
    ask("Enter the credentials to use from now on.").then((entered) => { if (entered) location.reload(); });
  });
  showIdentity();
}
