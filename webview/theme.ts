// The chart palette read from the page's CSS: report.css maps VS Code's theme variables
// (`--vscode-editor-foreground`, `--vscode-charts-*`, …) onto `--cl-*` properties with light
// and dark fallbacks, so the same code serves the webview and the standalone file.
import type { Config } from 'vega';
import { LIGHT_PALETTE, type ChartPalette, vegaThemeConfig } from '../src/shared/theme';

export function readPalette(el: Element = document.body): ChartPalette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(`--cl-${name}`).trim() || fallback;
  const size = Number.parseFloat(v('font-size', `${LIGHT_PALETTE.fontSize}px`));
  return {
    foreground: v('foreground', LIGHT_PALETTE.foreground),
    muted: v('muted', LIGHT_PALETTE.muted),
    border: v('border', LIGHT_PALETTE.border),
    background: v('background', LIGHT_PALETTE.background),
    red: v('red', LIGHT_PALETTE.red),
    yellow: v('yellow', LIGHT_PALETTE.yellow),
    blue: v('blue', LIGHT_PALETTE.blue),
    green: v('green', LIGHT_PALETTE.green),
    purple: v('purple', LIGHT_PALETTE.purple),
    orange: v('orange', LIGHT_PALETTE.orange),
    fontFamily: v('font-family', LIGHT_PALETTE.fontFamily),
    fontSize: Number.isFinite(size) && size > 0 ? size : LIGHT_PALETTE.fontSize,
  };
}

export function themeConfig(): Config {
  return vegaThemeConfig(readPalette());
}

/** Identity of the current theme, to skip re-renders when nothing visible changed. */
export function themeKey(): string {
  return JSON.stringify(readPalette());
}

/**
 * Calls `onChange` when the theme may have changed: VS Code swaps the body class
 * (`vscode-light`, `vscode-dark`, `vscode-high-contrast`) and rewrites the variables in the
 * `<html>` style; a standalone file follows `prefers-color-scheme`.
 */
export function watchTheme(onChange: () => void): () => void {
  let timer: number | undefined;
  const fire = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(onChange, 50);
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', fire);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', fire);
    window.clearTimeout(timer);
  };
}
