declare module "@xmldom/xmldom/lib/grammar.js" {
  const grammar: {
    reg: (...parts: Array<string | RegExp>) => RegExp;
    QName_group: RegExp;
    S_OPT: RegExp;
    UNICODE_SUPPORT: boolean;
  };
  export default grammar;
}
