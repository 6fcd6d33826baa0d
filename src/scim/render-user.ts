import type { ScimUserRecord } from "../store/org/scim/scim-user-ops";
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "./schema-ids";
import { etagOf } from "./scim-response";

/** The SCIM User resource of a record (RFC 7643 §4.1), its URLs under the org's SCIM base. */
export function renderUser(record: ScimUserRecord, base: string): Record<string, unknown> {
  const { attributes } = record;
  return {
    schemas: attributes[ENTERPRISE_USER_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id: record.id,
    ...attributes,
    active: record.active,
    groups: record.groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${base}/Groups/${g.id}` })),
    meta: {
      resourceType: "User",
      created: record.createdAt,
      lastModified: record.updatedAt,
      location: `${base}/Users/${record.id}`,
      version: etagOf(record.version),
    },
  };
}

/** The attributes a client may write back (PATCH starts from them): no id, meta, schemas or groups. */
export function writableUser(record: ScimUserRecord): Record<string, unknown> {
  return { ...record.attributes, active: record.active };
}
