// A small Markdown subset built as DOM (never HTML strings): runbooks are written by playbook authors and
// must not be able to put markup or script in the page. Headings, lists, code blocks, quotes, paragraphs,
// inline code and emphasis; everything else, HTML included, stays visible as text.
import { h } from './dom.js';

/**
 * Renders Markdown into a container element.
 * @param {string} markdown
 * @returns {HTMLElement}
 */
export function renderMarkdown(markdown) {
  const root = h('div', { class: 'markdown' });
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  /** @type {HTMLElement | null} */
  let list = null;
  /** @type {string[]} */
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) root.append(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i]);
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      list = null;
      const code = [];
      for (
        i++;
        i < lines.length &&
        !String(lines[i])
          .trim()
          .startsWith(fence[1] ?? '```');
        i++
      )
        code.push(lines[i]);
      root.append(h('pre', { class: 'raw' }, h('code', {}, code.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    if (heading) {
      flush();
      list = null;
      // The page's own h1/h2 come first: a runbook's headings start at h3.
      const level = Math.min(6, (heading[1] ?? '#').length + 2);
      root.append(h(`h${level}`, {}, inline(heading[2] ?? '')));
    } else if (item) {
      flush();
      const tag = item[1] ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = h(tag, {});
        root.append(list);
      }
      list.append(h('li', {}, inline(item[3] ?? '')));
    } else if (quote) {
      flush();
      list = null;
      root.append(h('blockquote', {}, inline(quote[1] ?? '')));
    } else if (line.trim() === '') {
      flush();
      list = null;
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return root;
}

/**
 * Inline code, **strong** and *emphasis* as elements; the rest as text.
 * @param {string} text
 * @returns {(string | Node)[]}
 */
function inline(text) {
  /** @type {(string | Node)[]} */
  const out = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    if (match[1] !== undefined) out.push(h('code', {}, match[1]));
    else if (match[2] !== undefined) out.push(h('strong', {}, match[2]));
    else out.push(h('em', {}, match[3] ?? ''));
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
