/** A TwiML element: a verb or noun with attributes and children. */
export interface TwimlNode {
  name: string;
  attrs: Record<string, string | number | boolean | undefined>;
  children: Array<TwimlNode | string>;
}

/** Builds an element; undefined attributes are left out. */
export function el(
  name: string,
  attrs: TwimlNode['attrs'] = {},
  ...children: Array<TwimlNode | string>
): TwimlNode {
  return { name, attrs, children };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML, dropping characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function renderNode(node: TwimlNode | string): string {
  if (typeof node === 'string') return xmlEscape(node);
  let attrs = '';
  for (const [key, value] of Object.entries(node.attrs)) {
    if (value !== undefined) attrs += ` ${key}="${xmlEscape(String(value))}"`;
  }
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map(renderNode).join('')}</${node.name}>`;
}

/** A complete TwiML document. Hand-built: a string join is far cheaper than a DOM builder per webhook. */
export function twimlDocument(verbs: TwimlNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.map(renderNode).join('')}</Response>`;
}
