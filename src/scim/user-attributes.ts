import { ENTERPRISE_USER_SCHEMA } from "./schema-ids";
import { scimError } from "./scim-error";

/**
 * The User attributes edge-sso keeps (RFC 7643 §4.1, §4.3), by canonical name. Attribute
 * names are case-insensitive (RFC 7643 §2.1): a client's `Active` or `username` is read as
 * `active` and `userName`. `groups` (read-only), `password` (edge-sso never stores one),
 * `id`, `meta` and `schemas` are not kept from a request; any other attribute is ignored.
 */
type Kind = "string" | "boolean" | { complex: readonly string[] } | { multi: readonly string[] };

const MULTI = ["value", "display", "type", "primary"] as const;
const ADDRESS = [
  "formatted",
  "streetAddress",
  "locality",
  "region",
  "postalCode",
  "country",
  "type",
  "primary",
] as const;
const NAME = ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"] as const;

export const CORE_USER_ATTRIBUTES: Readonly<Record<string, Kind>> = {
  userName: "string",
  externalId: "string",
  name: { complex: NAME },
  displayName: "string",
  nickName: "string",
  profileUrl: "string",
  title: "string",
  userType: "string",
  preferredLanguage: "string",
  locale: "string",
  timezone: "string",
  active: "boolean",
  emails: { multi: MULTI },
  phoneNumbers: { multi: MULTI },
  ims: { multi: MULTI },
  photos: { multi: MULTI },
  addresses: { multi: ADDRESS },
  entitlements: { multi: MULTI },
  roles: { multi: MULTI },
  x509Certificates: { multi: MULTI },
};

export const ENTERPRISE_USER_ATTRIBUTES: Readonly<Record<string, Kind>> = {
  employeeNumber: "string",
  costCenter: "string",
  organization: "string",
  division: "string",
  department: "string",
  manager: { complex: ["value", "displayName", "$ref"] },
};

/** Sub-attributes read as booleans ("True" and "False" as strings too, as Entra ID sends them). */
const BOOLEAN_SUB_ATTRIBUTES = new Set(["primary"]);

const invalidValue = (path: string, what: string) => scimError(400, `${path} ${what}.`, "invalidValue");

/** A boolean, or Entra ID's "True"/"False" strings (any case). */
export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw invalidValue(path, "must be a boolean");
}

function readString(value: unknown, path: string): string {
  if (typeof value === "string" && value.length <= 2048) return value;
  if (typeof value === "number") return String(value);
  throw invalidValue(path, "must be a string of at most 2048 characters");
}

/** The canonical name of `key` among `names`, case-insensitively, or null. */
function canonical(names: readonly string[], key: string): string | null {
  const lower = key.toLowerCase();
  return names.find((n) => n.toLowerCase() === lower) ?? null;
}

function readComplex(value: unknown, subs: readonly string[], path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalidValue(path, "must be an object");
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(value)) {
    const name = canonical(subs, key);
    if (!name || sub === null) continue;
    out[name] = BOOLEAN_SUB_ATTRIBUTES.has(name)
      ? readBoolean(sub, `${path}.${name}`)
      : readString(sub, `${path}.${name}`);
  }
  return out;
}

function readValue(kind: Kind, value: unknown, path: string): unknown {
  if (kind === "string") return readString(value, path);
  if (kind === "boolean") return readBoolean(value, path);
  if ("complex" in kind) return readComplex(value, kind.complex, path);
  if (!Array.isArray(value)) throw invalidValue(path, "must be an array");
  if (value.length > 100) throw invalidValue(path, "may hold at most 100 values");
  return value.map((item, i) => readComplex(item, kind.multi, `${path}[${i}]`));
}

/** Reads the attributes of one schema from `input` (case-insensitive names; null means absent). */
function readAttributes(input: Record<string, unknown>, attributes: Readonly<Record<string, Kind>>, prefix: string) {
  const out: Record<string, unknown> = {};
  const names = Object.keys(attributes);
  for (const [key, value] of Object.entries(input)) {
    const name = canonical(names, key);
    if (!name || value === null || value === undefined) continue;
    // Entra ID sends the manager as its id alone in PATCH; RFC 7643 §4.3 makes it complex.
    const given = name === "manager" && typeof value === "string" ? { value } : value;
    out[name] = readValue(attributes[name]!, given, `${prefix}${name}`);
  }
  return out;
}

/**
 * The SCIM attributes of a User request body (POST, PUT, or a PATCHed resource), read and
 * typed: the stored form of the resource, enterprise extension under its URN.
 */
export function readUserAttributes(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw scimError(400, "The request body must be a JSON object.", "invalidSyntax");
  const input = body as Record<string, unknown>;
  const out = readAttributes(input, CORE_USER_ATTRIBUTES, "");
  const extensionKey = Object.keys(input).find((k) => k.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase());
  const extension = extensionKey ? input[extensionKey] : undefined;
  if (extension !== undefined && extension !== null) {
    if (typeof extension !== "object" || Array.isArray(extension))
      throw invalidValue(ENTERPRISE_USER_SCHEMA, "must be an object");
    const read = readAttributes(
      extension as Record<string, unknown>,
      ENTERPRISE_USER_ATTRIBUTES,
      `${ENTERPRISE_USER_SCHEMA}:`,
    );
    if (Object.keys(read).length > 0) out[ENTERPRISE_USER_SCHEMA] = read;
  }
  return out;
}
