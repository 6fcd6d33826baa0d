import {
  mappedAttributeNames,
  pickAttribute,
  SAML_ATTRIBUTE_DEFAULTS,
  verifySamlResponse,
  type SamlLogin,
  type SamlVerificationPolicy,
} from "../saml";
import { decodeBase64, encodeBase64 } from "../lib/base64";
import { parseIdpMetadata } from "../saml/metadata/parse-idp-metadata";
import { flagHints, switchesOf, type Switches } from "./flag-hints";
import { parseSamlVerifyArgs, UsageError, type SamlVerifyArgs } from "./parse-saml-verify-args";

/** What the CLI needs from its host (bin/edge-sso.mjs): files and a clock. */
export interface CliIo {
  readFile(path: string): Promise<Uint8Array>;
  now(): Date;
}

/** One line of CLI output and the exit code (SPEC §8: 0 accepted, 1 rejected, 2 bad usage). */
export interface CliOutcome {
  exitCode: 0 | 1 | 2;
  stdout?: string;
  stderr?: string;
}

/**
 * `edge-sso saml verify …`: the worker's own verifier run on a captured response, for
 * admins debugging an IdP and for audits. There is no replay cache here (SPEC §8).
 */
export async function samlVerify(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  const args = parseSamlVerifyArgs(argv);
  const idp = await idpSide(args, io);
  const samlResponse = responseAsBase64(await io.readFile(args.responseFile));
  const policy: SamlVerificationPolicy = {
    idpEntityId: args.idpEntityId ?? idp.entityId ?? unverifiedIssuer(samlResponse),
    idpCertificates: idp.certificates,
    spEntityId: args.spEntityId,
    acsUrl: args.acsUrl,
    wantAssertionsSigned: args.wantAssertionsSigned,
    wantResponseSigned: args.wantResponseSigned,
    allowIdpInitiated: args.allowIdpInitiated,
    allowSha1: args.allowSha1,
    clockSkewSeconds: 60,
    // The CLI maps what a connection with no attributeMapping maps: the provider defaults.
    mappedAttributes: mappedAttributeNames({}),
    spDecryptionKeys: await Promise.all(args.decryptionKeys.map((p) => readPkcs8(p, io))),
  };
  const now = args.now ?? io.now();
  const verify = ({ skipDestinationCheck, ...signingAndLogin }: Switches) =>
    verifySamlResponse({
      samlResponse,
      connection: { ...policy, ...signingAndLogin },
      expectedRequestId: args.requestId,
      now,
      skipDestinationCheck,
    });
  const switches = switchesOf(policy, args.skipDestinationCheck);
  const result = await verify(switches);
  if (result.ok) return { exitCode: 0, stdout: JSON.stringify({ ok: true, profile: profileOf(result.value) }) };
  const { code } = result.error;
  const retry = async (turned: Switches) => {
    const again = await verify(turned);
    return again.ok ? "ok" : again.error.code;
  };
  const hints = await flagHints(code, args, switches, retry);
  const detail = [result.error.detail, ...hints].join("; ");
  return { exitCode: 1, stdout: JSON.stringify({ ok: false, code, detail }) };
}

async function idpSide(args: SamlVerifyArgs, io: CliIo): Promise<{ entityId?: string; certificates: string[] }> {
  if (args.metadata === undefined) {
    return { certificates: await Promise.all(args.certs.map(async (p) => text(await io.readFile(p)))) };
  }
  const metadata = parseIdpMetadata(text(await io.readFile(args.metadata)));
  if (!metadata.ok) throw new UsageError(`--metadata ${args.metadata}: ${metadata.reason}`);
  return { entityId: metadata.value.entityId, certificates: metadata.value.signingCertificates };
}

async function readPkcs8(path: string, io: CliIo): Promise<string> {
  const pem = text(await io.readFile(path));
  if (!pem.includes("-----BEGIN PRIVATE KEY-----")) {
    throw new UsageError(
      `--decryption-key ${path} is not PKCS#8 PEM; convert it: openssl pkcs8 -topk8 -nocrypt -in ${path}`,
    );
  }
  return pem;
}

/** The file holds the XML (first non-blank character "<", a BOM allowed) or its base64. */
function responseAsBase64(bytes: Uint8Array): string {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c ? encodeBase64(bytes) : text(bytes);
}

/** With only --cert and no --idp-entity-id, the Issuer is reported rather than checked. */
function unverifiedIssuer(samlResponse: string): string {
  const xml = text(decodeBase64(samlResponse) ?? new Uint8Array());
  const issuer = /<(?:[\w.-]+:)?Issuer\b[^>]*>([^<]*)<\/(?:[\w.-]+:)?Issuer>/.exec(xml);
  return issuer ? issuer[1]!.trim() : "";
}

function profileOf(login: SamlLogin): Record<string, unknown> {
  const fromAttributes = pickAttribute(login.attributes, SAML_ATTRIBUTE_DEFAULTS.email)[0];
  const email = fromAttributes ?? (login.nameId.includes("@") ? login.nameId : null);
  return {
    nameId: login.nameId,
    nameIdFormat: login.nameIdFormat,
    email,
    attributes: { ...login.attributes },
    assertionId: login.assertionId,
    issuer: login.issuer,
    sessionIndex: login.sessionIndex,
    inResponseTo: login.inResponseTo,
    notOnOrAfter: login.notOnOrAfter.toISOString(),
  };
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
