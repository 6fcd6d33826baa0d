import type { Element } from "@xmldom/xmldom";
import {
  digestAlgorithm,
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  signatureAlgorithm,
  type HashName,
  type SignatureAlgorithm,
} from "./algorithms";
import { decodeBase64 } from "./base64";
import { keyInfoCertificateBase64, type CertificateDer } from "./certificate";
import { attr, childElements, childrenNamed, descendantsNamed, isElementNamed, strictText } from "./dom";
import { NS } from "./namespaces";
import { fail } from "./saml-error";
import { SAML_LIMITS } from "./decode-saml-message";

/** A structurally valid enveloped signature, not yet verified. */
export interface SignatureToVerify {
  /** The element the signature covers (its parent). */
  covered: Element;
  signature: Element;
  signedInfo: Element;
  signedInfoPrefixes: string[];
  algorithm: SignatureAlgorithm;
  referencePrefixes: string[];
  digest: HashName;
  digestValue: Uint8Array;
  signatureValue: Uint8Array;
  /**
   * The configured certificates that may have made it: the one a KeyInfo X509Certificate
   * selected, or every configured one when KeyInfo names no certificate.
   */
  certificates: readonly CertificateDer[];
}

/** Options of the structural signature checks. */
export interface ReadSignatureOptions {
  allowSha1: boolean;
  trusted: readonly CertificateDer[];
}

/**
 * Read the signature that covers `covered`, enforcing SPEC §5 before any crypto: a
 * direct child of the covered element; shape 1 SignedInfo, 1 SignatureValue, ≤ 1 KeyInfo,
 * no Object; exactly one Reference to `#` + the covered element's ID; transforms exactly
 * enveloped-signature + exc-c14n; allowed algorithms; a KeyInfo certificate, if any, that
 * is one of the configured ones. `null` when the element carries no signature.
 */
export function readSignature(covered: Element, options: ReadSignatureOptions): SignatureToVerify | null {
  const signatures = childrenNamed(covered, NS.dsig, "Signature");
  if (signatures.length === 0) return null;
  if (signatures.length > 1) fail("signature_shape", `${signatures.length} signatures on ${covered.localName}`);
  const signature = signatures[0]!;
  const parts = signatureParts(signature);
  const method = onlyChild(parts.signedInfo, "SignatureMethod", "signature_shape");
  const algorithm = signatureAlgorithm(attr(method, "Algorithm") ?? "", options.allowSha1);
  const reference = readReference(parts.signedInfo, covered, options.allowSha1);
  return {
    covered,
    signature,
    signedInfo: parts.signedInfo,
    signedInfoPrefixes: canonicalizationPrefixes(parts.signedInfo),
    algorithm,
    ...reference,
    signatureValue: base64Value(parts.signatureValue, "SignatureValue"),
    certificates: selectCertificates(parts.keyInfo, options.trusted),
  };
}

interface SignatureParts {
  signedInfo: Element;
  signatureValue: Element;
  keyInfo: Element | null;
}

/** Signature = SignedInfo SignatureValue KeyInfo?, nothing else, in that order (XML-DSig 4.1). */
function signatureParts(signature: Element): SignatureParts {
  const children = childElements(signature);
  const names = children.map((c) => (c.namespaceURI === NS.dsig ? c.localName : `{${c.namespaceURI}}${c.localName}`));
  const shape = names.join(",");
  if (shape !== "SignedInfo,SignatureValue" && shape !== "SignedInfo,SignatureValue,KeyInfo") {
    fail("signature_shape", `Signature children are ${shape || "none"}`);
  }
  const signedInfo = children[0]!;
  const signedInfoShape = childElements(signedInfo).map((c) => (c.namespaceURI === NS.dsig ? c.localName : "?"));
  if (signedInfoShape.join(",") !== "CanonicalizationMethod,SignatureMethod,Reference") {
    fail("signature_shape", `SignedInfo children are ${signedInfoShape.join(",")}`);
  }
  return { signedInfo, signatureValue: children[1]!, keyInfo: children[2] ?? null };
}

/** The only dsig child `local` of `parent`. */
function onlyChild(parent: Element, local: string, code: "signature_shape" | "unsupported_transform"): Element {
  const found = childrenNamed(parent, NS.dsig, local);
  if (found.length !== 1) fail(code, `${found.length} ${local} in ${parent.localName}`);
  return found[0]!;
}

/** SignedInfo's CanonicalizationMethod must be exc-c14n; returns its inclusive prefixes. */
function canonicalizationPrefixes(signedInfo: Element): string[] {
  const method = onlyChild(signedInfo, "CanonicalizationMethod", "signature_shape");
  if (attr(method, "Algorithm") !== EXC_C14N) {
    fail("unsupported_transform", `CanonicalizationMethod ${attr(method, "Algorithm")}`);
  }
  return inclusivePrefixes(method);
}

/** exc-c14n's optional InclusiveNamespaces PrefixList; any other content rejects. */
function inclusivePrefixes(method: Element): string[] {
  const children = childElements(method);
  if (children.length === 0) return [];
  const only = children[0]!;
  if (children.length > 1 || !isElementNamed(only, NS.excC14n, "InclusiveNamespaces")) {
    fail("unsupported_transform", "exc-c14n parameters other than InclusiveNamespaces");
  }
  const prefixes = [...new Set((attr(only, "PrefixList") ?? "").split(/[\t\n\r ]+/).filter((p) => p.length > 0))];
  // Each listed prefix is looked up on every canonicalized element: an attacker's long
  // list would cost CPU before any signature check. Real IdPs list a handful.
  if (prefixes.length > SAML_LIMITS.maxInclusivePrefixes) {
    fail(
      "unsupported_transform",
      `InclusiveNamespaces lists ${prefixes.length} prefixes (at most ${SAML_LIMITS.maxInclusivePrefixes})`,
    );
  }
  const bad = prefixes.find((p) => p !== "#default" && !NC_NAME.test(p));
  if (bad !== undefined) fail("unsupported_transform", `InclusiveNamespaces prefix "${bad}" is not an NCName`);
  return prefixes;
}

const NC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

interface ReferenceParts {
  referencePrefixes: string[];
  digest: HashName;
  digestValue: Uint8Array;
}

/** Exactly one Reference, to `#` + the covered element's ID (SPEC §5; the XSW defence). */
function readReference(signedInfo: Element, covered: Element, allowSha1: boolean): ReferenceParts {
  const reference = onlyChild(signedInfo, "Reference", "signature_shape");
  const id = attr(covered, "ID");
  const uri = attr(reference, "URI");
  if (!id || uri !== `#${id}`) {
    fail("reference_mismatch", `Reference URI "${uri ?? ""}" does not name ${covered.localName} "${id ?? ""}"`);
  }
  const shape = childElements(reference).map((c) => (c.namespaceURI === NS.dsig ? c.localName : "?"));
  if (shape.join(",") !== "Transforms,DigestMethod,DigestValue") {
    const code = shape.includes("Transforms") ? "signature_shape" : "unsupported_transform";
    fail(code, `Reference children are ${shape.join(",")}`);
  }
  const referencePrefixes = readTransforms(onlyChild(reference, "Transforms", "unsupported_transform"));
  const digestMethod = onlyChild(reference, "DigestMethod", "signature_shape");
  const digest = digestAlgorithm(attr(digestMethod, "Algorithm") ?? "", allowSha1);
  const digestValue = base64Value(onlyChild(reference, "DigestValue", "signature_shape"), "DigestValue");
  return { referencePrefixes, digest, digestValue };
}

/** Transforms are exactly enveloped-signature then exc-c14n (SPEC §5). */
function readTransforms(transforms: Element): string[] {
  const list = childElements(transforms);
  const algorithms = list.map((t) => (isElementNamed(t, NS.dsig, "Transform") ? attr(t, "Algorithm") : "?"));
  if (list.length !== 2 || algorithms[0] !== ENVELOPED_SIGNATURE || algorithms[1] !== EXC_C14N) {
    fail("unsupported_transform", `transforms ${algorithms.join(", ")}`);
  }
  if (childElements(list[0]!).length > 0) fail("unsupported_transform", "enveloped-signature with parameters");
  return inclusivePrefixes(list[1]!);
}

function base64Value(element: Element, name: string): Uint8Array {
  const bytes = decodeBase64(strictText(element));
  if (!bytes || bytes.length === 0) fail("signature_shape", `${name} is not base64`);
  return bytes;
}

/**
 * KeyInfo may only select among the configured certificates, never add one (SPEC §5). It
 * is optional (XML-DSig §4.5): Oracle Access Manager sends none, SecureWorks only an
 * RSAKeyValue. With no X509Certificate in it, every configured certificate is a candidate;
 * a KeyValue, KeyName or anything else in it is never read, so a key from the message is
 * never used.
 */
function selectCertificates(keyInfo: Element | null, trusted: readonly CertificateDer[]): readonly CertificateDer[] {
  if (trusted.length === 0) fail("untrusted_certificate", "the connection has no IdP certificate");
  const offered = keyInfo ? descendantsNamed(keyInfo, NS.dsig, "X509Certificate") : [];
  if (offered.length === 0) return trusted;
  for (const element of offered) {
    const base64 = keyInfoCertificateBase64(strictText(element));
    const match = trusted.find((cert) => cert.base64 === base64);
    if (match) return [match];
  }
  return fail("untrusted_certificate", "the KeyInfo certificate is not a configured IdP certificate");
}
