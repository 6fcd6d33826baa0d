import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
  encryptionTemplate,
  FIXTURE,
  responseXml,
  TARGETED_ID,
  type ResponseOptions,
} from "../fixtures/saml/templates";

/**
 * Test setup step: an independent signer. Generates this run's keys with openssl, then has
 * Debian's xmlsec1 sign and encrypt Responses built from the templates. Workerd tests get
 * the results as strings through `inject("samlFixtures")`; Node tests (the CLI) also get
 * the directory where every file was written.
 */
const XENC = "http://www.w3.org/2001/04/xmlenc#";
const XENC11 = "http://www.w3.org/2009/xmlenc11#";
const ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
const ID_ATTRS = ["--id-attr:ID", `${ASSERTION_NS}:Assertion`, "--id-attr:ID", `${PROTOCOL_NS}:Response`];
const ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']";
const RESPONSE_SIGNATURE = "/*[local-name()='Response']/*[local-name()='Signature']";

type KeyName = "idp" | "idpEc" | "rogue" | "sp";

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`${command} ${args.join(" ")} failed (is xmlsec1 installed? apt-get install xmlsec1):\n${stderr}`);
  }
}

function makeKey(dir: string, name: KeyName): void {
  const algorithm =
    name === "idpEc" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:2048"];
  run("openssl", [
    "req",
    "-x509",
    ...algorithm,
    "-nodes",
    "-days",
    "3650",
    "-subj",
    `/CN=${name}.edge-sso.test`,
    "-keyout",
    join(dir, `${name}.key`),
    "-out",
    join(dir, `${name}.crt`),
  ]);
}

/** Sign the Signature template at `xpath` with a key whose certificate goes in KeyInfo. */
function sign(dir: string, file: string, key: KeyName, xpath: string): void {
  const path = join(dir, file);
  run("xmlsec1", [
    "--sign",
    ...ID_ATTRS,
    "--privkey-pem",
    `${join(dir, `${key}.key`)},${join(dir, `${key}.crt`)}`,
    "--node-xpath",
    xpath,
    "--output",
    path,
    path,
  ]);
}

/** Encrypt the element at `xpath` for the SP certificate. */
/** Key transport is rsa-oaep-mgf1p: xmlsec1 1.2 has no xmlenc11#rsa-oaep. */
function encrypt(dir: string, file: string, xpath: string, cipher: string): void {
  const path = join(dir, file);
  const template = join(dir, `${file}.enc-template.xml`);
  writeFileSync(
    template,
    encryptionTemplate(cipher, `${XENC}rsa-oaep-mgf1p`, "http://www.w3.org/2000/09/xmldsig#sha1"),
  );
  const sessionKey = cipher.includes("128") ? "aes-128" : "aes-256";
  run("xmlsec1", [
    "--encrypt",
    "--pubkey-cert-pem",
    join(dir, "sp.crt"),
    "--session-key",
    sessionKey,
    "--xml-data",
    path,
    "--node-xpath",
    xpath,
    "--output",
    path,
    template,
  ]);
}

interface Recipe {
  options: ResponseOptions;
  /** A change to the template before xmlsec1 signs it: content a real IdP signed. */
  template?: (xml: string) => string;
  steps: Array<(dir: string, file: string) => void>;
}

/** A change to the file between two xmlsec1 steps: what an attacker does to signed output. */
const rewrite = (change: (xml: string) => string) => (dir: string, file: string) =>
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), "utf8")));

/** An unsigned Assertion for the attacker's admin, to hide where a signature does not reach. */
const FORGED_ASSERTION =
  `<saml:Assertion ID="_forged_admin" IssueInstant="${FIXTURE.issueInstant}" Version="2.0">` +
  `<saml:Issuer>${FIXTURE.idpEntityId}</saml:Issuer><saml:Subject>` +
  `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">admin@example.com</saml:NameID>` +
  `</saml:Subject></saml:Assertion>`;

const signAssertion = (key: KeyName) => (dir: string, file: string) => sign(dir, file, key, ASSERTION_SIGNATURE);
const signResponse = (key: KeyName) => (dir: string, file: string) => sign(dir, file, key, RESPONSE_SIGNATURE);
const encryptAssertion = (cipher: string) => (dir: string, file: string) =>
  encrypt(dir, file, "//*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']", cipher);

const TARGETED_ID_VALUE = "ZWR1UGVyc29uVGFyZ2V0ZWRJRA";

function targetedId(value: string): string {
  return (
    `<saml:Attribute Name="${TARGETED_ID}" FriendlyName="eduPersonTargetedID" ` +
    `NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>` +
    `<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" NameQualifier="${FIXTURE.idpEntityId}" ` +
    `SPNameQualifier="${FIXTURE.spEntityId}">${value}</saml:NameID></saml:AttributeValue></saml:Attribute>`
  );
}

/** Every fixture: name → how xmlsec1 makes it. */
const RECIPES: Record<string, Recipe> = {
  "assertion-signed": { options: {}, steps: [signAssertion("idp")] },
  "response-signed": { options: { signAssertion: false, signResponse: true }, steps: [signResponse("idp")] },
  "both-signed": { options: { signResponse: true }, steps: [signAssertion("idp"), signResponse("idp")] },
  unsolicited: { options: { unsolicited: true }, steps: [signAssertion("idp")] },
  "ecdsa-signed": {
    options: { signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" },
    steps: [signAssertion("idpEc")],
  },
  "rsa-sha1-signed": {
    options: {
      signatureAlgorithm: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
      digestAlgorithm: "http://www.w3.org/2000/09/xmldsig#sha1",
    },
    steps: [signAssertion("idp")],
  },
  "inclusive-namespaces": { options: { inclusivePrefixes: "xs xsi" }, steps: [signAssertion("idp")] },
  "rogue-signed": { options: {}, steps: [signAssertion("rogue")] },
  // Signed content SPEC §5 refuses even though the signature is genuine.
  "signed-scd-without-notonorafter": {
    options: {},
    template: (xml) => xml.replace(/(<saml:SubjectConfirmationData[^>]*?) NotOnOrAfter="[^"]*"/, "$1"),
    steps: [signAssertion("idp")],
  },
  "signed-without-audience": {
    options: {},
    template: (xml) => xml.replace(/<saml:AudienceRestriction>.*?<\/saml:AudienceRestriction>/, ""),
    steps: [signAssertion("idp")],
  },
  "signed-without-authn-statement": {
    options: {},
    template: (xml) => xml.replace(/<saml:AuthnStatement[ >].*?<\/saml:AuthnStatement>/, ""),
    steps: [signAssertion("idp")],
  },
  // Shibboleth's eduPersonTargetedID: an AttributeValue holding a NameID (SPEC §5).
  "signed-targeted-id": {
    options: {},
    template: (xml) =>
      xml.replace("</saml:AttributeStatement>", `${targetedId(TARGETED_ID_VALUE)}</saml:AttributeStatement>`),
    steps: [signAssertion("idp")],
  },
  "signed-targeted-id-with-pi": {
    options: {},
    template: (xml) =>
      xml.replace(
        "</saml:AttributeStatement>",
        `${targetedId("ZWR1<?split here?>UGVyc29u")}</saml:AttributeStatement>`,
      ),
    steps: [signAssertion("idp")],
  },
  "signed-nameid-with-pi": {
    options: {},
    template: (xml) => xml.replace(`>${FIXTURE.nameId}<`, `>alice<?split here?>@example.com<`),
    steps: [signAssertion("idp")],
  },
  "signed-attribute-with-element": {
    options: {},
    template: (xml) => xml.replace(">engineering<", '><x:team xmlns:x="urn:x">engineering</x:team><'),
    steps: [signAssertion("idp")],
  },
  "signed-advice": {
    options: {},
    template: (xml) =>
      xml.replace(
        "<saml:AuthnStatement",
        "<saml:Advice><saml:AssertionIDRef>_other</saml:AssertionIDRef></saml:Advice><saml:AuthnStatement",
      ),
    steps: [signAssertion("idp")],
  },
  "encrypted-aes256-cbc": {
    options: { encryptAssertion: true },
    steps: [signAssertion("idp"), encryptAssertion(`${XENC}aes256-cbc`)],
  },
  "encrypted-aes128-cbc": {
    options: { encryptAssertion: true },
    steps: [signAssertion("idp"), encryptAssertion(`${XENC}aes128-cbc`)],
  },
  "encrypted-aes128-gcm": {
    options: { encryptAssertion: true },
    steps: [signAssertion("idp"), encryptAssertion(`${XENC11}aes128-gcm`)],
  },
  "encrypted-aes256-gcm": {
    options: { encryptAssertion: true },
    steps: [signAssertion("idp"), encryptAssertion(`${XENC11}aes256-gcm`)],
  },
  // The genuine signed assertion with a forged one inside its Signature's KeyInfo (which
  // the enveloped signature does not cover), then encrypted: SPEC §5's rules hold inside.
  "encrypted-forged-in-keyinfo": {
    options: { encryptAssertion: true },
    steps: [
      signAssertion("idp"),
      rewrite((xml) => xml.replace("</ds:X509Data>", `</ds:X509Data>${FORGED_ASSERTION}`)),
      encryptAssertion(`${XENC}aes256-cbc`),
    ],
  },
  "encrypted-unsigned": {
    options: { encryptAssertion: true, signAssertion: false },
    steps: [encryptAssertion(`${XENC}aes256-cbc`)],
  },
  "encrypted-response-signed": {
    options: { encryptAssertion: true, signAssertion: false, signResponse: true },
    steps: [encryptAssertion(`${XENC}aes256-cbc`), signResponse("idp")],
  },
  "encrypted-nameid": {
    options: { encryptNameId: true },
    steps: [
      (dir, file) =>
        encrypt(dir, file, "//*[local-name()='EncryptedID']/*[local-name()='NameID']", `${XENC}aes256-cbc`),
      signAssertion("idp"),
    ],
  },
};

/** What tests receive through `inject("samlFixtures")`. */
export interface SamlFixtures {
  /** Directory holding every file below (Node tests only: workerd cannot read files). */
  dir: string;
  now: string;
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  requestId: string;
  nameId: string;
  /** PEM certificates: the IdP's (RSA and EC), the attacker's, the SP's encryption certificate. */
  certificates: Record<KeyName, string>;
  /** PKCS#8 PEM private keys. */
  privateKeys: Record<KeyName, string>;
  /** Fixture name → Response XML as xmlsec1 wrote it. */
  responses: Record<string, string>;
  /** IdP metadata XML naming the RSA certificate. */
  idpMetadata: string;
}

function idpMetadata(certificatePem: string): string {
  const body = certificatePem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${FIXTURE.idpEntityId}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>` +
    `<ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

/** Build the fixtures into a fresh directory. */
export function buildSamlFixtures(dir: string): SamlFixtures {
  const keys: KeyName[] = ["idp", "idpEc", "rogue", "sp"];
  for (const key of keys) makeKey(dir, key);
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  mkdirSync(join(dir, "responses"));
  const responses: Record<string, string> = {};
  for (const [name, recipe] of Object.entries(RECIPES)) {
    const file = join("responses", `${name}.xml`);
    const xml = responseXml(recipe.options);
    writeFileSync(join(dir, file), recipe.template ? recipe.template(xml) : xml);
    for (const step of recipe.steps) step(dir, file);
    responses[name] = read(file);
    rmSync(join(dir, `${file}.enc-template.xml`), { force: true });
  }
  const certificates = Object.fromEntries(keys.map((k) => [k, read(`${k}.crt`)])) as Record<KeyName, string>;
  const privateKeys = Object.fromEntries(keys.map((k) => [k, read(`${k}.key`)])) as Record<KeyName, string>;
  const metadata = idpMetadata(certificates.idp);
  writeFileSync(join(dir, "idp-metadata.xml"), metadata);
  return { dir, ...FIXTURE, certificates, privateKeys, responses, idpMetadata: metadata };
}

/** The globalSetup step (test/setup/global.ts): build, provide, and remove the directory afterwards. */
export async function samlFixturesStep(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "edge-sso-saml-"));
  project.provide("samlFixtures", buildSamlFixtures(dir));
  return async () => rmSync(dir, { recursive: true, force: true });
}
