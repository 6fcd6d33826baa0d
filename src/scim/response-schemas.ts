import * as z from "zod/mini";

/**
 * The SCIM bodies as /openapi.json describes them. SCIM resources are described in full by
 * the service's own `/Schemas` (RFC 7643 §7); these name what every answer carries, and
 * leave the resource's other attributes open.
 */
const meta = z.looseObject({
  resourceType: z.string(),
  created: z.string(),
  lastModified: z.string(),
  location: z.string(),
  version: z.string(),
});

export const scimUserSchema = z.looseObject({
  schemas: z.array(z.string()),
  id: z.string(),
  userName: z.string(),
  active: z.boolean(),
  groups: z.array(z.looseObject({ value: z.string(), display: z.string() })),
  meta,
});

export const scimGroupSchema = z.looseObject({
  schemas: z.array(z.string()),
  id: z.string(),
  displayName: z.string(),
  meta,
});

/** RFC 7644 §3.4.2 ListResponse. */
export function scimListOf<T extends z.ZodMiniType>(resource: T) {
  return z.object({
    schemas: z.array(z.string()),
    totalResults: z.number(),
    startIndex: z.number(),
    itemsPerPage: z.number(),
    Resources: z.array(resource),
  });
}

/** ServiceProviderConfig, a ResourceType or a Schema (RFC 7643 §5–§7). */
export const scimDiscoverySchema = z.looseObject({ schemas: z.array(z.string()) });

/** RFC 7644 §3.12: the SCIM error; `status` is a string. */
export const scimErrorSchema = z.object({
  schemas: z.array(z.string()),
  status: z.string(),
  scimType: z.optional(z.string()),
  detail: z.string(),
});

/** A SCIM token's record (SPEC §10); the token itself only in the answer that minted it. */
export const scimTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
});

export const scimTokenWithTokenSchema = z.object({ ...scimTokenSchema.shape, token: z.string() });
