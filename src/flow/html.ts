import type { Branding } from "./branding";

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const STYLE = `body{font-family:system-ui,-apple-system,sans-serif;background:#f6f7f9;color:#1f2328;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:2rem;max-width:26rem;width:100%;box-shadow:0 1px 3px rgba(0,0,0,.06)}
h1{font-size:1.25rem;margin:0 0 1rem}label{display:block;font-weight:600;margin-bottom:.4rem}
input[type=email],input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #d0d7de;border-radius:6px;font-size:1rem}
button{margin-top:1rem;width:100%;padding:.65rem;border:0;border-radius:6px;background:#0969da;color:#fff;font-size:1rem;cursor:pointer}
label+input{margin-bottom:.8rem}.brand{display:flex;align-items:center;gap:.6rem;margin:0 0 1.2rem;font-weight:600;color:#57606a}
.next{color:#57606a;font-size:.95rem}a.button{display:block;text-align:center;margin-top:1rem;padding:.65rem;border-radius:6px;background:#0969da;color:#fff;text-decoration:none}.error{color:#cf222e;margin:.5rem 0}.ref{font-family:ui-monospace,monospace;font-size:.85rem;color:#57606a}`;

/**
 * A complete HTML page with a strict CSP: no script unless `scriptNonce` is given, no
 * framing, forms only to `formAction` when given. Browsers apply form-action to every
 * redirect after a submission too, so a form whose answer redirects to an IdP that is not
 * known when the page renders (the work-email page) passes `formAction: null`.
 */
export function htmlPage(input: {
  title: string;
  body: string;
  status?: number;
  scriptNonce?: string;
  formAction?: string | null;
  headers?: HeadersInit;
  /** APP_NAME and APP_LOGO_URL, shown above the page's heading (flow/branding.ts). */
  brand?: Branding;
}): Response {
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    // The logo only: a data: image or this origin (flow/branding.ts admits nothing else).
    ...(input.brand?.logoUrl ? ["img-src data: 'self'"] : []),
    input.scriptNonce ? `script-src 'nonce-${input.scriptNonce}'` : "script-src 'none'",
    ...(input.formAction === null ? [] : [`form-action ${input.formAction ? cspSource(input.formAction) : "'self'"}`]),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body><main>${brandHeader(input.brand)}${input.body}</main></body></html>`;
  const headers = new Headers(input.headers);
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("content-security-policy", csp);
  headers.set("cache-control", "no-store");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  return new Response(html, { status: input.status ?? 200, headers });
}

/** The origin of a URL for a CSP source list, or 'none' when it is not a URL. */
function cspSource(url: string): string {
  try {
    const u = new URL(url);
    // The IdP may redirect within its own sign-in flow: any https origin, or this one.
    return `'self' https: ${u.protocol}//${u.host}`;
  } catch {
    return "'none'";
  }
}

/** The brand line above a hosted page's heading: the logo and APP_NAME, or nothing when neither is set. */
function brandHeader(brand: Branding | undefined): string {
  if (!brand || (!brand.appName && !brand.logoUrl)) return "";
  const logo = brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="" height="32">` : "";
  const name = brand.appName ? `<span>${escapeHtml(brand.appName)}</span>` : "";
  return `<header class="brand">${logo}${name}</header>`;
}
