import { scimError } from "./scim-error";
import { readUserAttributes } from "./user-attributes";

/**
 * A SCIM User as the org's object writes it: the columns a filter or a login reads, and the
 * whole stored resource (`attributes`, without id, meta, groups or password).
 */
export interface ScimUserWrite {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  active: boolean;
  /** The member's email (lower-cased): the primary email, else the first, else an email-shaped userName. */
  email: string;
  /** Every email value, lower-cased (for `emails.value` filters). */
  emails: string[];
  attributes: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads a User body into what the object stores, or 400: `userName` is required (RFC 7643
 * §4.1.1), and the member needs an email a login can match (SPEC §10: by verified email).
 */
export function toUserWrite(body: unknown): ScimUserWrite {
  const attributes = readUserAttributes(body);
  const userName = typeof attributes.userName === "string" ? attributes.userName.trim() : "";
  if (!userName || userName.length > 256)
    throw scimError(400, "userName is required (1 to 256 characters).", "invalidValue");
  attributes.userName = userName;
  const emails = ((attributes.emails as { value?: string; primary?: boolean }[] | undefined) ?? []).filter(
    (e) => typeof e.value === "string" && e.value.trim() !== "",
  );
  if (emails.filter((e) => e.primary === true).length > 1)
    throw scimError(400, "At most one email may be primary (RFC 7643 §2.4).", "invalidValue");
  const values = emails.map((e) => e.value!.trim().toLowerCase());
  const chosen = emails.find((e) => e.primary === true)?.value ?? emails[0]?.value ?? userName;
  const email = chosen.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 320)
    throw scimError(
      400,
      "A user needs an email address: give emails[] (or a userName that is an email address).",
      "invalidValue",
    );
  const name = attributes.name as { givenName?: string; familyName?: string } | undefined;
  return {
    userName,
    externalId: typeof attributes.externalId === "string" ? attributes.externalId : null,
    displayName: typeof attributes.displayName === "string" ? attributes.displayName : null,
    givenName: name?.givenName ?? null,
    familyName: name?.familyName ?? null,
    active: attributes.active === undefined ? true : (attributes.active as boolean),
    email,
    emails: [...new Set(values.length > 0 ? values : [email])],
    attributes,
  };
}
