declare module "@xmldom/xmldom/lib/grammar.js" {
  const grammar: { reg: (...parts: Array<string | RegExp>) => RegExp };
  export default grammar;
}
