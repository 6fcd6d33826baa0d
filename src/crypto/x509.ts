/**
 * The one module that loads @peculiar/x509, so it can be swapped. It installs the
 * `Reflect` metadata shim tsyringe requires before the library evaluates, and points the
 * library at the runtime's WebCrypto (workerd has no default provider for it).
 */
import "./reflect-metadata-shim";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto);

export { x509 };
