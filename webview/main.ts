// Entry point of the report page (bundled as an IIFE into dist/webview.js). The report comes
// from the saved webview state, the JSON block in the HTML, or the host's notification.
import { PAYLOAD_ELEMENT_ID, isHostNotification, type ReportPayload } from '../src/shared/protocol';
import { createHost } from './host';
import { ReportPage } from './page';
import { watchTheme, themeKey } from './theme';

// lit falls back to <style> elements where constructable stylesheets are missing; those need
// the page nonce to pass the CSP. `currentScript` is only set while this file first runs.
const scriptNonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
if (scriptNonce) (globalThis as { litNonce?: string }).litNonce = scriptNonce;

function embeddedPayload(): ReportPayload | undefined {
  const el = document.getElementById(PAYLOAD_ELEMENT_ID);
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent) as ReportPayload;
  } catch (error) {
    console.error('Collapse Lens: the embedded report is not valid JSON', error);
    return undefined;
  }
}

function main(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  const host = createHost();
  document.body.classList.toggle('standalone', host.standalone);
  const saved = host.loadState();
  const page = new ReportPage(root, host, saved);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostNotification(event.data)) page.handle(event.data);
  });
  const payload = saved?.payload ?? embeddedPayload();
  if (payload) void page.show(payload);
  else page.setBusy(true, 'Waiting for the report…');
  let theme = themeKey();
  const stopWatchingTheme = watchTheme(() => {
    const next = themeKey();
    if (next === theme) return;
    theme = next;
    void page.rethemeCharts();
  });
  // A webview without retainContextWhenHidden is torn down when its tab is hidden or closed:
  // finalize the Vega views (timers, listeners) on the way out.
  window.addEventListener(
    'pagehide',
    () => {
      stopWatchingTheme();
      page.dispose();
    },
    { once: true },
  );
  host.post({ method: 'webview/ready', params: { restored: saved?.payload !== undefined } });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main, { once: true });
else main();
