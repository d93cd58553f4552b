// A tiny element builder: the page is built with the DOM API, never with HTML strings, so
// report text (file names, model outputs) can never become markup.

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/u, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Severity icons drawn as SVG (no icon font to load), coloured by CSS through `currentColor`. */
export function severityIcon(severity: 'error' | 'warning' | 'info'): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `icon severity-${severity}`);
  const shapes: Record<typeof severity, string[]> = {
    error: ['M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Z', 'M5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8'],
    warning: ['M8 1.8 15 14.2H1L8 1.8Z', 'M8 6.2v4M8 11.8v.6'],
    info: ['M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Z', 'M8 7.2v4.4M8 4.6v.6'],
  };
  shapes[severity].forEach((d, i) => {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    path.setAttribute('class', i === 0 ? 'icon-shape' : 'icon-mark');
    svg.appendChild(path);
  });
  return svg;
}
