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
