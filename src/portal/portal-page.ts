import type { Env } from "../env";
import { escapeHtml } from "../flow/html";
import { ApiError } from "../http/api-error";
import { appBranding } from "./branding";

/** A step in the portal's side navigation. */
export interface NavItem {
  id: string;
  title: string;
  state: "done" | "current" | "todo";
}

/**
 * A portal page (SPEC §9): the app's name and logo, the org being set up, the steps, and
 * the content. Strict CSP: styles and script only from the worker itself, nothing inline;
 * forms only to the portal (and, for the test sign-in, to the IdP it then goes to);
 * `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, because the URL holds the
 * link's token.
 */
export function portalPage(
  env: Env,
  input: {
    title: string;
    body: string;
    status?: number;
    organizationName?: string;
    nav?: NavItem[];
    footer?: string;
    /** Extra form-action sources (the test sign-in's IdP). */
    formAction?: string[];
  },
): Response {
  const brand = appBranding(env);
  const logo = brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="">` : "";
  const org = input.organizationName
    ? `<span class="org">Single sign-on setup for <strong>${escapeHtml(input.organizationName)}</strong></span>`
    : "";
  const nav = input.nav
    ? `<nav class="steps" aria-label="Setup steps"><ol>${input.nav
        .map(
          (item, i) =>
            `<li class="${item.state}"><a href="#${item.id}"${item.state === "current" ? ' aria-current="step"' : ""}>` +
            `<span class="n" aria-hidden="true">${item.state === "done" ? "✓" : i + 1}</span>${escapeHtml(item.title)}` +
            `${item.state === "done" ? '<span class="visually-hidden"> (done)</span>' : ""}</a></li>`,
        )
        .join("")}</ol></nav>`
    : "";
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(input.title)} · ${escapeHtml(brand.name)}</title>` +
    `<link rel="stylesheet" href="/setup-assets/portal.css"><script src="/setup-assets/portal.js" defer></script></head>` +
    `<body><header class="topbar"><div class="brand">${logo}<span>${escapeHtml(brand.name)}</span></div>${org}</header>` +
    `<div class="layout${nav ? "" : " single"}">${nav}<main id="main">${input.body}</main></div>` +
    (input.footer ? `<footer>${input.footer}</footer>` : "") +
    `</body></html>`;
  return new Response(html, { status: input.status ?? 200, headers: portalHeaders(input.formAction ?? []) });
}

/** The security headers of every portal answer. */
export function portalHeaders(formAction: string[] = []): Headers {
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",
    "img-src 'self' data:",
    `form-action 'self'${formAction.map((s) => ` ${s}`).join("")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return new Headers({
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": csp,
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  });
}

/** A page that shows no org data: a link that is unknown, ended, or whose org may not use SSO. */
export function linkEndedPage(env: Env, status: 404 | 410, heading: string, text: string): Response {
  return portalPage(env, {
    title: heading,
    status,
    body: `<div class="card"><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p><p class="lead">Ask the person who sent you this link for a new one.</p></div>`,
  });
}

/**
 * The portal audience's page for a refusal the portal raised (a stale form, a link that
 * ended mid-way), in its own words with its status; null for anything unexpected, which
 * the router renders as the hosted error page with a reference id, recorded in the org's
 * log (STYLE 12). Never shows the token.
 */
export function portalRefusalResponse(env: Env, error: unknown): Response | null {
  if (!(error instanceof ApiError) || error.status >= 500) return null;
  return portalPage(env, {
    title: "This did not work",
    status: error.status,
    body: `<div class="card"><h1>This did not work</h1><p>${escapeHtml(error.detail)}</p><p>Go back to the setup page, reload it, and try again.</p></div>`,
  });
}
