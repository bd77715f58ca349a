import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One TwiML element: a verb such as Say, or a noun such as Number, with its attributes and content. */
export interface TwimlNode {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: readonly TwimlNode[];
  /** The element's text, including text inside nested SSML tags, with whitespace collapsed. */
  text: string;
}

/** A parsed TwiML response and the public URL it came from (relative URLs inside resolve against it). */
export interface TwimlDocument {
  url: string;
  verbs: readonly TwimlNode[];
}

/** Thrown when a response body is not a TwiML document; the message says why. */
export class TwimlError extends Error {}

// preserveOrder keeps verbs in document order, which is the order Twilio executes them.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type OrderedItem = Record<string, unknown>;

/** Parses a TwiML body; throws TwimlError unless it is well-formed XML whose root is <Response>. */
export function parseTwiml(body: string): TwimlNode {
  if (body.trim() === '') throw new TwimlError('the body is empty, not TwiML');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new TwimlError(`the body is not XML: ${valid.err.msg} (line ${valid.err.line})`);
  const roots = toNodes(parser.parse(body) as OrderedItem[]);
  const root = roots[0];
  if (roots.length !== 1 || root?.name !== 'Response') {
    throw new TwimlError(`the root element is <${root?.name ?? 'none'}>, not <Response>`);
  }
  return root;
}

function toNodes(items: readonly OrderedItem[]): TwimlNode[] {
  const nodes: TwimlNode[] = [];
  for (const item of items) {
    const name = Object.keys(item).find((k) => k !== ':@' && k !== '#text');
    if (name === undefined) continue;
    const content = (item[name] ?? []) as OrderedItem[];
    const children = toNodes(content);
    nodes.push({
      name,
      attrs: (item[':@'] ?? {}) as Record<string, string>,
      children,
      text: textOf(content),
    });
  }
  return nodes;
}

function textOf(content: readonly OrderedItem[]): string {
  const parts: string[] = [];
  for (const item of content) {
    if (typeof item['#text'] === 'string') parts.push(item['#text']);
    else {
      const name = Object.keys(item).find((k) => k !== ':@');
      if (name !== undefined) parts.push(textOf((item[name] ?? []) as OrderedItem[]));
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}
