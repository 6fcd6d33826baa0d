import { escapeXml } from "./escape-xml";
import { NS } from "./namespaces";

const NC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The attributes every SAML protocol message of ours opens with (SAML core 3.2.1
 * RequestAbstractType, 3.2.2 StatusResponseType): the samlp/saml namespaces, ID (an xs:ID,
 * checked), Version 2.0, IssueInstant and Destination. Callers add their own after these.
 */
export function protocolMessageAttributes(
  kind: string,
  input: { id: string; issueInstant: Date; destination: string },
): string[] {
  if (!NC_NAME.test(input.id)) throw new TypeError(`${kind} ID "${input.id}" is not an xs:ID`);
  return [
    `xmlns:samlp="${NS.protocol}"`,
    `xmlns:saml="${NS.assertion}"`,
    `ID="${input.id}"`,
    `Version="2.0"`,
    `IssueInstant="${input.issueInstant.toISOString()}"`,
    `Destination="${escapeXml(input.destination)}"`,
  ];
}
