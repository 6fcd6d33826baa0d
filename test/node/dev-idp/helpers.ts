import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflateRawSync } from "node:zlib";
import { DOMParser, type Document, type Element } from "@xmldom/xmldom";

const execFileAsync = promisify(execFile);

export const NS = {
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  metadata: "urn:oasis:names:tc:SAML:2.0:metadata",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
};
export const ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']";
export const RESPONSE_SIGNATURE = "/*[local-name()='Response']/*[local-name()='Signature']";

/** Parse XML strictly (every warning throws). */
export function parseXml(xml: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, "text/xml");
}

export function elements(root: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName));
}

export function only(root: Document | Element, ns: string, localName: string): Element {
  const found = elements(root, ns, localName);
  if (found.length !== 1) throw new Error(`expected one ${localName}, found ${found.length}`);
  return found[0]!;
}

/** Run `fn` with a scratch directory that is removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "edge-sso-dev-idp-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Does xmlsec1 accept the signature at `xpath` with only `certificatePem` as the trusted key? */
export async function xmlsecVerifies(xml: string, certificatePem: string, xpath: string): Promise<boolean> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, "cert.pem"), certificatePem);
    await writeFile(join(dir, "response.xml"), xml);
    try {
      await execFileAsync("xmlsec1", [
        "--verify",
        "--pubkey-cert-pem",
        join(dir, "cert.pem"),
        "--id-attr:ID",
        `${NS.assertion}:Assertion`,
        "--id-attr:ID",
        `${NS.protocol}:Response`,
        "--node-xpath",
        xpath,
        join(dir, "response.xml"),
      ]);
      return true;
    } catch {
      return false;
    }
  });
}

/** Generate an RSA key and self-signed certificate with openssl: an SP's keys. */
export async function makeKeyPair(dir: string, name: string): Promise<{ keyPath: string; certPath: string }> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  await execFileAsync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${name}.test`,
    "-keyout",
    keyPath,
    "-out",
    certPath,
  ]);
  return { keyPath, certPath };
}

/** A hand-built AuthnRequest (SAML core 3.4.1), as an SP sends it. */
export function authnRequestXml(options: {
  id: string;
  acsUrl: string;
  issuer: string;
  destination: string;
  nameIdFormat?: string;
  forceAuthn?: boolean;
}): string {
  const force = options.forceAuthn ? ` ForceAuthn="true"` : "";
  const policy = options.nameIdFormat
    ? `<samlp:NameIDPolicy Format="${options.nameIdFormat}" AllowCreate="true"/>`
    : "";
  return (
    `<samlp:AuthnRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${options.id}" Version="2.0" ` +
    `IssueInstant="${new Date().toISOString()}" Destination="${options.destination}" ` +
    `AssertionConsumerServiceURL="${options.acsUrl}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"${force}>` +
    `<saml:Issuer>${options.issuer}</saml:Issuer>${policy}</samlp:AuthnRequest>`
  );
}

/** The HTTP-Redirect encoding: raw DEFLATE, then base64 (SAML bindings 3.4.4.1). */
export const deflateBase64 = (xml: string) => deflateRawSync(Buffer.from(xml, "utf8")).toString("base64");

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The first form of an HTML page: its action and its inputs (hidden and button values). */
export function readForm(html: string): { action: string; method: string; fields: Record<string, string> } {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in ${html}`);
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
    return m ? unescapeHtml(m[1]!) : undefined;
  };
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(input[0], "name");
    if (name) fields[name] = attr(input[0], "value") ?? "";
  }
  return { action: attr(form[1]!, "action") ?? "", method: attr(form[1]!, "method") ?? "", fields };
}

/** The `value`s of the page's submit buttons named `name`. */
export function buttonValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<button\\b[^>]*name="${name}"[^>]*value="([^"]*)"`, "g"))].map((m) =>
    unescapeHtml(m[1]!),
  );
}
