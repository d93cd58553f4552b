// The colours and fonts of the report charts. Chart specs never name a colour: marks read
// the `cl_*` signals and the named scale ranges below, and both come from the Vega config
// passed at parse time. The webview fills the palette from the `--vscode-*` CSS variables;
// Node (tests, standalone export previews) uses the fixed light palette.
import type { Config } from 'vega';

export interface ChartPalette {
  foreground: string;
  /** Secondary text: axis labels, legends, subtitles. */
  muted: string;
  /** Grid lines, axis domains, cell outlines. */
  border: string;
  background: string;
  red: string;
  yellow: string;
  blue: string;
  green: string;
  purple: string;
  orange: string;
  fontFamily: string;
  /** Base font size in pixels. */
  fontSize: number;
}

/** Signal names a compiled chart may reference; every config built here defines all of them. */
export const THEME_SIGNALS = {
  foreground: 'cl_foreground',
  muted: 'cl_muted',
  border: 'cl_border',
  background: 'cl_background',
  accent: 'cl_accent',
  error: 'cl_error',
  warning: 'cl_warning',
  info: 'cl_info',
  good: 'cl_good',
} as const;

export type ThemeColor = keyof typeof THEME_SIGNALS;

/** VS Code's Light Modern colours, so snapshots and non-VS Code renders look like the editor. */
export const LIGHT_PALETTE: ChartPalette = {
  foreground: '#3b3b3b',
  muted: '#6f6f6f',
  border: '#e0e0e0',
  background: '#ffffff',
  red: '#e51400',
  yellow: '#bf8803',
  blue: '#1a85ff',
  green: '#388a34',
  purple: '#652d90',
  orange: '#d18616',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif',
  fontSize: 13,
};

/** VS Code's Dark Modern colours: the standalone report under `prefers-color-scheme: dark`. */
export const DARK_PALETTE: ChartPalette = {
  foreground: '#cccccc',
  muted: '#9d9d9d',
  border: '#3c3c3c',
  background: '#1f1f1f',
  red: '#f14c4c',
  yellow: '#cca700',
  blue: '#3794ff',
  green: '#89d185',
  purple: '#b180d7',
  orange: '#d18616',
  fontFamily: LIGHT_PALETTE.fontFamily,
  fontSize: 13,
};

/** Vega (not Vega-Lite) config for a palette: guides, named styles, scale ranges, colour signals. */
export function vegaThemeConfig(p: ChartPalette): Config {
  const small = Math.max(9, Math.round(p.fontSize * 0.85));
  const label = { fill: p.muted, font: p.fontFamily, fontSize: small };
  const title = { fill: p.foreground, font: p.fontFamily, fontSize: p.fontSize, fontWeight: 600 };
  const signals: Record<ThemeColor, string> = {
    foreground: p.foreground,
    muted: p.muted,
    border: p.border,
    background: p.background,
    accent: p.blue,
    error: p.red,
    warning: p.yellow,
    info: p.blue,
    good: p.green,
  };
  // Axes and legends label alike.
  const guideText = {
    labelColor: p.muted,
    titleColor: p.foreground,
    labelFont: p.fontFamily,
    titleFont: p.fontFamily,
    labelFontSize: small,
    titleFontSize: small,
    titleFontWeight: 'normal' as const,
  };
  return {
    background: p.background,
    padding: 8,
    font: p.fontFamily,
    title: { color: p.foreground, subtitleColor: p.muted, font: p.fontFamily, fontSize: p.fontSize + 1, fontWeight: 600, anchor: 'start', offset: 8 },
    axis: { domainColor: p.border, gridColor: p.border, tickColor: p.border, ...guideText, titlePadding: 6 },
    legend: { ...guideText, symbolStrokeWidth: 2 },
    style: {
      'guide-label': label,
      'guide-title': { ...label, fill: p.foreground },
      'group-title': title,
      'group-subtitle': { ...label },
      cell: { stroke: p.border },
      text: { fill: p.foreground, font: p.fontFamily, fontSize: small },
    },
    range: {
      category: [p.blue, p.orange, p.green, p.purple, p.yellow, p.red, p.muted],
      // Generations are ordered: early ones cool, the last ones (where collapse shows) warm.
      ordinal: { scheme: [p.blue, p.purple, p.orange] },
      ramp: { scheme: [p.blue, p.purple, p.orange] },
      symbol: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'],
    },
    signals: (Object.keys(signals) as ThemeColor[]).map((k) => ({ name: THEME_SIGNALS[k], value: signals[k] })),
  } as Config;
}
