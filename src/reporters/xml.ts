// Characters XML 1.0 forbids anywhere (most C0 controls, U+FFFE/U+FFFF) and lone surrogates: a
// hostile response body must not make the whole report unparseable.
const INVALID_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

/** Escapes text for an XML element body; forbidden characters are dropped. */
export function xmlText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>]/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Escapes text for a double-quoted XML attribute; newlines survive attribute normalisation. */
export function xmlAttr(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"'\n\r\t]/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Renders attributes in order, skipping undefined values. */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttr(String(value))}"`)
    .join('');
}
