import { route } from "../http/route";

/**
 * The portal's stylesheet and script, served from the worker itself so the portal's CSP
 * allows `'self'` and nothing inline (SPEC §9: strict CSP, no build step). One accent
 * colour (`--accent`), system fonts, AA contrast, a layout that stacks below 760px.
 */
export const PORTAL_CSS = `:root{--accent:#4338ca;--accent-soft:#eef2ff;--text:#111827;--muted:#4b5563;--line:#d1d5db;--bg:#f8fafc;--ok:#166534;--ok-soft:#f0fdf4;--bad:#b91c1c;--bad-soft:#fef2f2}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:var(--bg)}
a{color:var(--accent)}
.topbar{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;padding:.85rem 1.5rem;background:#fff;border-bottom:1px solid var(--line)}
.brand{display:flex;align-items:center;gap:.6rem;font-weight:700;font-size:1.05rem}
.brand img{height:28px;width:auto}
.org{color:var(--muted);font-size:.95rem}
.layout{display:grid;grid-template-columns:15rem 1fr;gap:2rem;max-width:72rem;margin:0 auto;padding:2rem 1.5rem}
.layout.single{grid-template-columns:1fr;max-width:52rem}
.steps ol{list-style:none;margin:0;padding:0;position:sticky;top:1.5rem}
.steps li{margin:0 0 .25rem}
.steps a{display:flex;gap:.6rem;align-items:center;padding:.5rem .65rem;border-radius:8px;color:var(--text);text-decoration:none}
.steps a:hover,.steps a:focus-visible{background:var(--accent-soft)}
.steps .n{display:inline-grid;place-items:center;width:1.6rem;height:1.6rem;border-radius:50%;border:2px solid var(--line);font-size:.8rem;font-weight:700;flex:none}
.steps .done .n{background:var(--accent);border-color:var(--accent);color:#fff}
.steps .current a{background:var(--accent-soft);font-weight:600}
main{min-width:0}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .4rem}
h2{font-size:1.2rem;margin:0 0 .75rem}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.lead{color:var(--muted);margin:0 0 1.5rem}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.5rem;margin:0 0 1.25rem}
.card.locked{opacity:.7}
.providers{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.75rem}
.providers button{width:100%;text-align:left;padding:.9rem 1rem;border:1px solid var(--line);border-radius:10px;background:#fff;color:var(--text);font:inherit;cursor:pointer}
.providers button:hover,.providers button:focus-visible{border-color:var(--accent);background:var(--accent-soft)}
.providers small{display:block;color:var(--muted);font-size:.8rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .3rem}
.hint{color:var(--muted);font-size:.875rem;margin:.2rem 0 0}
input[type=text],input[type=url],input[type=password],textarea{width:100%;padding:.55rem .7rem;border:1px solid #9ca3af;border-radius:8px;font:inherit;background:#fff;color:var(--text)}
textarea{min-height:8rem;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
input:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
[aria-invalid=true]{border-color:var(--bad);background:var(--bad-soft)}
.error{color:var(--bad);font-weight:600;font-size:.9rem;margin:.35rem 0 0}
.btn{display:inline-block;padding:.6rem 1.1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.btn.secondary{background:#fff;color:var(--accent)}
.btn:hover{filter:brightness(1.08)}
.btn[disabled]{opacity:.45;cursor:not-allowed;filter:none}
.copy{display:grid;grid-template-columns:11rem 1fr auto;gap:.5rem 1rem;align-items:center;margin:0 0 .6rem}
.copy code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;word-break:break-all;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.35rem .5rem}
.copy button{padding:.3rem .7rem;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--text);font:inherit;font-size:.85rem;cursor:pointer}
.guide ol{padding-left:1.3rem}.guide li{margin:0 0 .5rem}
.ui{font-weight:600;background:var(--accent-soft);padding:0 .3rem;border-radius:4px}
.notice{border-radius:10px;padding:.9rem 1rem;margin:0 0 1rem}
.notice.ok{background:var(--ok-soft);color:var(--ok);border:1px solid #bbf7d0}
.notice.bad{background:var(--bad-soft);color:var(--bad);border:1px solid #fecaca}
.notice.info{background:var(--accent-soft);color:#312e81;border:1px solid #c7d2fe}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th,td{text-align:left;padding:.5rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
th[scope=row]{width:11rem;padding-right:1rem;overflow-wrap:anywhere}
td{overflow-wrap:anywhere}
.pill{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600}
.pill.ok{background:var(--ok-soft);color:var(--ok)}.pill.bad{background:var(--bad-soft);color:var(--bad)}
.or{color:var(--muted);text-align:center;margin:1rem 0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
footer{max-width:72rem;margin:0 auto;padding:0 1.5rem 2rem;color:var(--muted);font-size:.85rem}
@media (max-width:760px){.layout{grid-template-columns:1fr;padding:1rem}.steps ol{position:static;display:flex;flex-wrap:wrap;gap:.25rem}.copy{grid-template-columns:1fr}}`;

/** Copy buttons (`data-copy` names the element whose text is copied); the page works without it. */
export const PORTAL_JS = `document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent || source.value || "").then(function () {
    var label = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  });
});`;

const asset = (body: string, type: string) => () =>
  new Response(body, {
    headers: {
      "content-type": `${type}; charset=utf-8`,
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    },
  });

export const portalAssetRoutes = [
  route({
    method: "GET",
    path: "/setup-assets/portal.css",
    tag: "Setup portal",
    access: "public",
    audience: "portal",
    summary: "The setup portal's stylesheet",
    success: { status: 200, description: "CSS", contentType: "text/css" },
    handler: asset(PORTAL_CSS, "text/css"),
  }),
  route({
    method: "GET",
    path: "/setup-assets/portal.js",
    tag: "Setup portal",
    access: "public",
    audience: "portal",
    summary: "The setup portal's script (copy buttons)",
    success: { status: 200, description: "JavaScript", contentType: "text/javascript" },
    handler: asset(PORTAL_JS, "text/javascript"),
  }),
];
