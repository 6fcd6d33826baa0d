// Node side: our verifier (src/saml bundled by esbuild) and the peers, on the same
// fixture, interleaved in rounds so that drift on a shared machine hits them alike.
import { performance } from "node:perf_hooks";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SAML } from "@node-saml/node-saml";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import * as esbuild from "esbuild";
import * as samlify from "samlify";
import { setNodeDependencies } from "xml-core";
import { SignedXml } from "xml-crypto";
import * as xmldsigjs from "xmldsigjs";
import { root } from "./wrangler.mjs";
import { summarize } from "./stats.mjs";

const DSIG = "http://www.w3.org/2000/09/xmldsig#";

/** src/saml as one ESM file for Node (WebCrypto and CompressionStream are globals in Node 24). */
async function loadOurVerifier(outdir) {
  const outfile = join(outdir, "saml-node.mjs");
  await esbuild.build({
    entryPoints: [join(root, "src", "saml", "index.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // Dependencies stay packages that Node resolves from node_modules; only our TS is bundled.
    packages: "external",
    outfile,
    logLevel: "error",
  });
  return (await import(pathToFileURL(outfile).href)).verifySamlResponse;
}

/**
 * Each verifier as `() => Promise<void>` that throws unless the fixture verifies.
 * @param {ReturnType<typeof import("./fixtures.mjs").benchSetup>} setup
 */
export async function verifiers(setup, outdir) {
  const { policy, signed } = setup;
  const cert = policy.idpCertificates[0];
  const verifySamlResponse = await loadOurVerifier(outdir);
  const input = {
    samlResponse: signed.samlResponse,
    connection: { ...policy, spDecryptionKeys: [] },
    expectedRequestId: signed.requestId,
    now: new Date(setup.now),
  };

  const nodeSaml = new SAML({
    callbackUrl: policy.acsUrl,
    issuer: policy.spEntityId,
    audience: policy.spEntityId,
    idpCert: cert,
    idpIssuer: policy.idpEntityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: "never",
    acceptedClockSkewMs: 60_000,
  });

  samlify.setSchemaValidator({ validate: () => Promise.resolve("skipped") });
  const samlifyIdp = samlify.IdentityProvider({ metadata: setup.idpMetadataXml });
  const samlifySp = samlify.ServiceProvider({
    entityID: policy.spEntityId,
    wantAssertionsSigned: true,
    assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: policy.acsUrl }],
  });

  xmldsigjs.Application.setEngine("NodeJS", globalThis.crypto);
  // Node has no DOMParser; src/saml no longer loads xml-core (it has its own exc-c14n), so
  // the naive xmldsigjs peer registers xmldom itself.
  setNodeDependencies({ DOMParser, XMLSerializer });

  /** The documented use of each peer: decode the form value, parse, find the Signature, verify. */
  const decode = () => Buffer.from(signed.samlResponse, "base64").toString("utf8");
  const findSignature = (doc) => {
    const assertion = doc.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Assertion")[0];
    return [...assertion.childNodes].find((n) => n.namespaceURI === DSIG && n.localName === "Signature");
  };
  return {
    verifySamlResponse: async () => {
      const result = await verifySamlResponse(input);
      if (!result.ok) throw new Error(`refused: ${result.error.code}: ${result.error.message}`);
    },
    "node-saml": async () => {
      const { profile } = await nodeSaml.validatePostResponseAsync({ SAMLResponse: signed.samlResponse });
      if (!profile) throw new Error("node-saml: no profile");
    },
    samlify: async () => {
      const { extract } = await samlifySp.parseLoginResponse(samlifyIdp, "post", {
        body: { SAMLResponse: signed.samlResponse },
      });
      if (!extract?.nameID) throw new Error("samlify: no NameID");
    },
    "xml-crypto": async () => {
      const xml = decode();
      const sig = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
      sig.loadSignature(findSignature(new DOMParser().parseFromString(xml, "application/xml")));
      if (!sig.checkSignature(xml)) throw new Error("xml-crypto: invalid");
    },
    // The "xmldsigjs used naively": SignedXml.Verify() with the key from KeyInfo.
    "xmldsigjs (naive)": async () => {
      const doc = xmldsigjs.Parse(decode());
      const signedXml = new xmldsigjs.SignedXml(doc);
      signedXml.LoadXml(findSignature(doc));
      if (!(await signedXml.Verify())) throw new Error("xmldsigjs: invalid");
    },
  };
}

/**
 * Times every verifier in `rounds` interleaved rounds of `roundMs` each, after a warm-up.
 * @param {Record<string, () => Promise<void>>} fns
 */
export async function runPeers(fns, { rounds = 3, roundMs = 600, warmupMs = 300 } = {}) {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  const busy = Object.fromEntries(Object.keys(fns).map((k) => [k, 0]));
  for (const fn of Object.values(fns)) {
    const end = performance.now() + warmupMs;
    while (performance.now() < end) await fn();
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const end = performance.now() + roundMs;
      for (;;) {
        const t0 = performance.now();
        await fn();
        const t1 = performance.now();
        samples[name].push((t1 - t0) * 1000);
        busy[name] += t1 - t0;
        if (t1 >= end) break;
      }
    }
  }
  return Object.entries(samples).map(([name, us]) => ({
    name,
    where: "node",
    ...summarize(us, us.length / (busy[name] / 1000)),
    minUs: Math.round(Math.min(...us)),
  }));
}
