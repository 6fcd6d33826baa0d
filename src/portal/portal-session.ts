import type { Actor } from "../admin/auth";
import { sha256Hex, timingSafeEqual } from "../crypto/hash";
import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import { readCapped } from "../http/read-body";
import { orgIdOfToken } from "../lib/ids";
import type { OpenSetupLink } from "../store/org/setup-link-ops";
import type { ConnectionRecord } from "../store/org/types";
import { orgOp } from "../store/stores";
import { linkEndedPage } from "./portal-page";

/** An open setup link, as every portal handler works with it. */
export interface PortalSession {
  /** The link's token, from the URL: never logged, never stored (only its hash). */
  token: string;
  /** `/setup/{token}`: the base of the portal's own URLs. */
  base: string;
  link: OpenSetupLink;
  organization: { id: string; name: string };
  connection: ConnectionRecord | null;
  /** The link as an actor: at most an org-scoped key's rights, on its one connection. */
  actor: Extract<Actor, { kind: "setup_link" }>;
}

/**
 * Opens the link a token names (SPEC §9): one read in the org the token embeds. An
 * unknown or malformed token is 404, an ended link (expired, revoked, used, or its org's
 * SSO disallowed) 410: both pages show nothing of the org.
 */
export async function openPortal(env: Env, token: string): Promise<PortalSession | Response> {
  const organizationId = orgIdOfToken(token);
  if (!organizationId) return unknownLink(env);
  const opened = await orgOp(env, organizationId, "openSetupLink", { tokenHash: await sha256Hex(token) });
  if (!opened.ok) {
    switch (opened.reason) {
      case "unknown":
        return unknownLink(env);
      case "expired":
        return linkEndedPage(env, 410, "This setup link has expired", "Setup links work for a limited time.");
      case "revoked":
        return linkEndedPage(env, 410, "This setup link was revoked", "It no longer works.");
      case "used":
        return linkEndedPage(
          env,
          410,
          "This setup link was used",
          "Single sign-on was turned on with it, so it no longer works.",
        );
      case "sso_not_allowed":
        return linkEndedPage(env, 410, "This setup link no longer works", "Single sign-on is switched off for now.");
    }
  }
  const { link, organization } = opened;
  const connection = link.connectionId
    ? await orgOp(env, organizationId, "getConnection", { id: link.connectionId })
    : null;
  return {
    token,
    base: `/setup/${token}`,
    link,
    organization,
    connection,
    actor: { kind: "setup_link", id: link.id, organizationId, connectionId: link.connectionId },
  };
}

function unknownLink(env: Env): Response {
  return linkEndedPage(env, 404, "This setup link is not valid", "Check that you copied the whole link.");
}

/** Form bodies: a pasted or uploaded metadata file fits, with room for the other fields. */
const MAX_FORM_BYTES = 1_200_000;

/**
 * Reads a portal form (urlencoded or multipart) and checks its CSRF token, the link's own
 * (SPEC §9: a CSRF token on every form) and, when the browser says where it posts from,
 * that it is this origin. Throws 403 otherwise, before anything is changed.
 */
export async function readPortalForm(env: Env, request: Request, session: PortalSession): Promise<FormData> {
  const origin = request.headers.get("origin");
  if (origin && origin !== "null" && origin !== new URL(env.PUBLIC_URL).origin)
    throw new ApiError(403, "forbidden", "The form was posted from another site.");
  const type = request.headers.get("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type))
    throw new ApiError(415, "unsupported_media_type", "Expected a form.");
  let text: string;
  try {
    text = await readCapped(request, MAX_FORM_BYTES);
  } catch {
    throw new ApiError(413, "payload_too_large", "The form is larger than 1 MB, or not UTF-8.");
  }
  let form: FormData;
  try {
    form = await new Response(text, { headers: { "content-type": type } }).formData();
  } catch {
    throw new ApiError(400, "bad_request", "The form could not be read.");
  }
  const csrf = form.get("csrf");
  if (typeof csrf !== "string" || !timingSafeEqual(csrf, session.link.csrfToken))
    throw new ApiError(403, "forbidden", "The form's security token does not match; reload the page.");
  return form;
}

/** A text field of a form, trimmed; "" when absent. */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
