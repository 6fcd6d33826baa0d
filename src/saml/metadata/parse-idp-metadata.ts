/**
 * Reads the IdP side of a SAML connection from IdP metadata (SAML metadata 2.0, §2.3–2.4).
 * Elements are matched by namespace URI and local name, so any prefix (md:, ns2:, none) works.
 */
import { normalizeCertificate } from "./normalize-certificate";
import { childElements, parseXmlTree, type XmlElement } from "./xml-tree";

/** What edge-sso keeps from IdP metadata. */
export interface IdpMetadata {
  entityId: string;
  ssoUrls: { redirect?: string; post?: string };
  sloUrls: { redirect?: string; post?: string };
  /**
   * The SingleLogoutService ResponseLocation per binding, when it names one (metadata
   * §2.2.2: where LogoutResponses go instead of Location).
   */
  sloResponseUrls: { redirect?: string; post?: string };
  /** Canonical PEM, deduplicated, in document order. */
  signingCertificates: string[];
  nameIdFormats: string[];
  wantAuthnRequestsSigned?: boolean;
  /**
   * The earliest `validUntil` of the root, the IdP's EntityDescriptor and its
   * IDPSSODescriptor (metadata §2.3.1–2.4.1): the document must not be used after it.
   */
  validUntil?: Date;
  /** The shortest `cacheDuration` on that chain, in ms: re-read the document at least this often. */
  cacheDurationMs?: number;
}

/** Result of {@link parseIdpMetadata}; `reason` is safe to show to the admin who supplied the XML. */
export type IdpMetadataResult = { ok: true; value: IdpMetadata } | { ok: false; reason: string };

/** Metadata documents are a few KiB; federation aggregates are not accepted here. */
export const MAX_IDP_METADATA_BYTES = 1024 * 1024;

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const BINDINGS = {
  redirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  post: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
} as const;
/** SAML metadata §2.3.2: entityID is a URI of at most 1024 characters. */
const MAX_ENTITY_ID_LENGTH = 1024;

/**
 * Parses IdP metadata XML: an EntityDescriptor, or an EntitiesDescriptor holding exactly
 * one IdP. Refuses DTDs, documents over 1 MiB, and metadata missing an entity ID, an
 * SSO endpoint for HTTP-Redirect or HTTP-POST, or a signing certificate.
 */
export function parseIdpMetadata(xml: string): IdpMetadataResult {
  const tree = parseXmlTree(xml, MAX_IDP_METADATA_BYTES);
  if (!tree.ok) return tree;
  const entity = findIdpEntity(tree.root);
  if (typeof entity === "string") return fail(entity);

  const entityId = (entity.attributes.get("entityID") ?? "").trim();
  if (entityId === "") return fail("EntityDescriptor has no entityID");
  if (entityId.length > MAX_ENTITY_ID_LENGTH) return fail(`entityID is longer than ${MAX_ENTITY_ID_LENGTH} characters`);

  const idp = childElements(entity, MD, "IDPSSODescriptor").find(supportsSaml2);
  if (!idp) return fail("IDPSSODescriptor does not list the SAML 2.0 protocol");

  const ssoUrls = endpoints(idp, "SingleSignOnService");
  if (typeof ssoUrls === "string") return fail(ssoUrls);
  if (!ssoUrls.redirect && !ssoUrls.post) {
    return fail("IDPSSODescriptor has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding");
  }
  const sloUrls = endpoints(idp, "SingleLogoutService");
  if (typeof sloUrls === "string") return fail(sloUrls);
  const sloResponseUrls = endpoints(idp, "SingleLogoutService", "ResponseLocation");
  if (typeof sloResponseUrls === "string") return fail(sloResponseUrls);

  const signingCertificates = signingCertificatesOf(idp);
  if (typeof signingCertificates === "string") return fail(signingCertificates);
  if (signingCertificates.length === 0) return fail("IDPSSODescriptor has no signing certificate");

  const value: IdpMetadata = {
    entityId,
    ssoUrls,
    sloUrls,
    sloResponseUrls,
    signingCertificates,
    nameIdFormats: unique(
      childElements(idp, MD, "NameIDFormat")
        .map((e) => e.text.trim())
        .filter(Boolean),
    ),
  };
  const wantSigned = xsBoolean(idp.attributes.get("WantAuthnRequestsSigned"));
  if (wantSigned !== undefined) value.wantAuthnRequestsSigned = wantSigned;
  const validity = validityOf([tree.root, entity, idp]);
  if (typeof validity === "string") return fail(validity);
  if (validity.validUntil) value.validUntil = validity.validUntil;
  if (validity.cacheDurationMs !== undefined) value.cacheDurationMs = validity.cacheDurationMs;
  return { ok: true, value };
}

/** The one EntityDescriptor with an IDPSSODescriptor, or the reason there is not exactly one. */
function findIdpEntity(root: XmlElement): XmlElement | string {
  if (root.namespace !== MD) {
    return `root element ${root.localName} is not in the SAML metadata namespace (${MD})`;
  }
  if (root.localName === "EntityDescriptor") {
    return isIdp(root) ? root : "EntityDescriptor has no IDPSSODescriptor (is this SP metadata?)";
  }
  if (root.localName !== "EntitiesDescriptor") {
    return `root element must be EntityDescriptor or EntitiesDescriptor, not ${root.localName}`;
  }
  const idps = entityDescriptors(root).filter(isIdp);
  if (idps.length === 0) return "EntitiesDescriptor holds no EntityDescriptor with an IDPSSODescriptor";
  if (idps.length > 1) return `EntitiesDescriptor holds ${idps.length} identity providers; give the metadata of one`;
  return idps[0] ?? "EntitiesDescriptor holds no identity provider";
}

/** SAML metadata §2.3.1: EntitiesDescriptor nests EntityDescriptor and EntitiesDescriptor. */
function entityDescriptors(group: XmlElement): XmlElement[] {
  return group.children.flatMap((child) => {
    if (child.namespace !== MD) return [];
    if (child.localName === "EntityDescriptor") return [child];
    if (child.localName === "EntitiesDescriptor") return entityDescriptors(child);
    return [];
  });
}

function isIdp(entity: XmlElement): boolean {
  return childElements(entity, MD, "IDPSSODescriptor").length > 0;
}

function supportsSaml2(descriptor: XmlElement): boolean {
  const protocols = (descriptor.attributes.get("protocolSupportEnumeration") ?? "").split(/\s+/);
  return protocols.includes(SAML2_PROTOCOL);
}

/**
 * The first endpoint per binding we speak (metadata §2.2.2); other bindings are ignored.
 * `attribute` "ResponseLocation" reads that optional attribute of the same (first) endpoints.
 */
function endpoints(
  idp: XmlElement,
  localName: string,
  attribute: "Location" | "ResponseLocation" = "Location",
): { redirect?: string; post?: string } | string {
  const found: { redirect?: string; post?: string } = {};
  const seen = new Set<string>();
  for (const element of childElements(idp, MD, localName)) {
    const binding = element.attributes.get("Binding");
    const key = binding === BINDINGS.redirect ? "redirect" : binding === BINDINGS.post ? "post" : undefined;
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const raw = element.attributes.get(attribute);
    if (raw === undefined && attribute === "ResponseLocation") continue;
    const location = (raw ?? "").trim();
    if (!isHttpUrl(location)) return `${localName} ${attribute} "${location.slice(0, 200)}" is not an http(s) URL`;
    found[key] = location;
  }
  return found;
}

/**
 * Certificates of KeyDescriptors whose use is "signing" or absent (metadata §2.4.1.1:
 * no use means the key serves both purposes); encryption-only keys are skipped.
 */
function signingCertificatesOf(idp: XmlElement): string[] | string {
  const pems: string[] = [];
  for (const descriptor of childElements(idp, MD, "KeyDescriptor")) {
    const use = descriptor.attributes.get("use");
    if (use !== undefined && use !== "signing") continue;
    const texts = childElements(descriptor, DS, "KeyInfo")
      .flatMap((info) => childElements(info, DS, "X509Data"))
      .flatMap((data) => childElements(data, DS, "X509Certificate"))
      .map((cert) => cert.text);
    for (const text of texts) {
      const normalized = normalizeCertificate(text);
      if (!normalized.ok) return `KeyDescriptor certificate is invalid: ${normalized.reason}`;
      pems.push(normalized.pem);
    }
  }
  return unique(pems);
}

/**
 * `validUntil` (xs:dateTime) and `cacheDuration` (xs:duration) along the chain from the
 * root to the IDPSSODescriptor (metadata §2.2.1 cacheDuration and validUntil): the tightest
 * of each applies, as each element's limit covers what it contains.
 */
function validityOf(chain: XmlElement[]): { validUntil?: Date; cacheDurationMs?: number } | string {
  let validUntil: Date | undefined;
  let cacheDurationMs: number | undefined;
  for (const element of new Set(chain)) {
    const until = element.attributes.get("validUntil")?.trim();
    if (until !== undefined) {
      const date = xsDateTime(until);
      if (!date) return `${element.localName} validUntil "${until.slice(0, 40)}" is not an xs:dateTime`;
      if (!validUntil || date < validUntil) validUntil = date;
    }
    const cache = element.attributes.get("cacheDuration")?.trim();
    if (cache !== undefined) {
      const ms = xsDurationMs(cache);
      if (ms === null) return `${element.localName} cacheDuration "${cache.slice(0, 40)}" is not an xs:duration`;
      if (cacheDurationMs === undefined || ms < cacheDurationMs) cacheDurationMs = ms;
    }
  }
  return { ...(validUntil ? { validUntil } : {}), ...(cacheDurationMs !== undefined ? { cacheDurationMs } : {}) };
}

/** xs:dateTime; without a zone it is read as UTC (SAML core 1.3.3 requires UTC anyway). */
function xsDateTime(value: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return null;
  const date = new Date(`${match[1]}${match[2] ?? "Z"}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A non-negative xs:duration in ms (PnYnMnDTnHnMnS); a year counts 365 days and a month 30,
 * which is what a cache lifetime needs. Null when it does not parse or is negative.
 */
function xsDurationMs(value: string): number | null {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!match || value === "P" || value.endsWith("T")) return null;
  const [years, months, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const dayMs = 86_400_000;
  return (
    years! * 365 * dayMs +
    months! * 30 * dayMs +
    days! * dayMs +
    hours! * 3_600_000 +
    minutes! * 60_000 +
    seconds! * 1000
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** XML Schema boolean lexical space: true, false, 1, 0. */
function xsBoolean(value: string | undefined): boolean | undefined {
  const v = value?.trim();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function fail(reason: string): IdpMetadataResult {
  return { ok: false, reason };
}
