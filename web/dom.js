// Building the page without HTML strings: every value becomes a text node, so data can never be markup.

/**
 * @typedef {string | number | boolean | null | undefined | Node} Leaf
 * @typedef {Leaf | Array<Leaf | Array<Leaf | Array<Leaf | Leaf[]>>>} Child nested arrays are flattened (four levels are enough)
 * @typedef {Record<string, string | boolean | undefined | ((event: Event) => void)>} Attrs
 */

/**
 * Creates an element. Attributes are set one by one (functions become listeners); children that are
 * not nodes become text.
 * @param {string} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

/**
 * Appends children (nested arrays flattened; null, undefined and false skipped).
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's content.
 * @param {Element} element
 * @param {...Child} children
 */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/**
 * A link to a view of the dashboard; path parts are encoded.
 * @param {string[]} parts
 * @param {...Child} children
 */
export function link(parts, ...children) {
  return h('a', { href: `#/${parts.map(encodeURIComponent).join('/')}` }, ...children);
}

/**
 * A table with a header row.
 * @param {string[]} headings
 * @param {Child[][]} rows
 * @param {string} [empty] what to say when there are no rows
 */
export function table(headings, rows, empty = 'None.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headings.map((text) => h('th', { scope: 'col' }, text)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell) => h('td', {}, cell)),
        ),
      ),
    ),
  );
}

/**
 * A verdict or outcome as a coloured badge (the class names the state).
 * @param {string} state
 */
export function badge(state) {
  return h('span', { class: `badge badge-${state.replace(/[^a-z-]/g, '')}` }, state);
}

/**
 * A time as the user's local time; the ISO value stays in the title.
 * @param {string | null | undefined} iso
 */
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso }, date.toLocaleString());
}

/**
 * A duration in ms, short.
 * @param {number | null | undefined} ms
 */
export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/**
 * A term and its value, for a <dl>.
 * @param {string} label
 * @param {...Child} value
 */
export function fact(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}
