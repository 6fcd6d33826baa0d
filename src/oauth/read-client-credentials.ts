import { decodeBase64 } from "../lib/base64";
import { refuse, ok, type Result } from "./result";
import type { TokenRefusal } from "./oauth-error";

/** How the client authenticated (OIDC Discovery `token_endpoint_auth_methods_supported`). */
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

/** The client's claimed identity and secret, before any lookup. */
export interface ClientCredentials {
  method: ClientAuthMethod;
  clientId: string;
  /** The presented secret; null with method `none`. */
  secret: string | null;
}

/** What the token request carried that identifies the client. */
export interface CredentialInput {
  /** The Authorization header, or null. */
  authorization: string | null;
  /** Form `client_id` and `client_secret`, or null when absent or empty. */
  clientId: string | null;
  clientSecret: string | null;
}

/**
 * Reads the client's credentials (RFC 6749 §2.3): HTTP Basic, form parameters, or a bare
 * `client_id` for a public client (§2.3, §3.2.1). A client MUST NOT use more than one
 * method (§2.3). Pure: no lookup, no comparison of secrets.
 */
export function readClientCredentials(input: CredentialInput): Result<ClientCredentials, TokenRefusal> {
  if (input.authorization !== null) {
    if (input.clientSecret !== null) return refuse("multiple_client_auth", "HTTP Basic and client_secret both sent");
    const basic = parseBasicCredentials(input.authorization);
    if (!basic) return refuse("malformed_basic_auth", "the Authorization header is not valid HTTP Basic");
    if (input.clientId !== null && input.clientId !== basic.clientId) {
      return refuse("client_id_mismatch", "form client_id differs from the Basic user name");
    }
    return ok({ method: "client_secret_basic", ...basic });
  }
  if (input.clientId === null) return refuse("missing_client_id", "no client_id and no HTTP Basic credentials");
  if (input.clientSecret !== null)
    return ok({ method: "client_secret_post", clientId: input.clientId, secret: input.clientSecret });
  return ok({ method: "none", clientId: input.clientId, secret: null });
}

/**
 * Parses `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1 has the
 * client ID and secret form-urlencoded (Appendix B) before RFC 7617 encoding. Null when
 * malformed or when either part is empty.
 */
export function parseBasicCredentials(header: string): { clientId: string; secret: string } | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) return null;
  const bytes = decodeBase64(match[1]!);
  if (!bytes) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (!clientId || !secret) return null;
  return { clientId, secret };
}

/** application/x-www-form-urlencoded decoding of one value (`+` is a space); null when malformed. */
function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return null;
  }
}
