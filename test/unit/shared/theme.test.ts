// The charts' theme (src/shared/theme.ts): the compiled specs name no colour, only the theme's
// signals, and the dark palette changes colours only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCharts, labelSharesChart } from '../../../src/core/charts';
import { DARK_PALETTE, LIGHT_PALETTE, THEME_SIGNALS, vegaThemeConfig } from '../../../src/shared/theme';
import { renderSvg, sample, stream } from '../core/charts/support';

describe('theme', () => {
  test('compiled specs name no colour; every colour signal they use is in the theme config', () => {
    const config = vegaThemeConfig(LIGHT_PALETTE);
    const defined = new Set((config.signals ?? []).map((s) => s.name));
    for (const name of Object.values(THEME_SIGNALS)) assert.ok(defined.has(name), name);
    for (const chart of [...compileCharts(sample), ...compileCharts(stream)]) {
      const text = JSON.stringify(chart.spec);
      assert.doesNotMatch(text, /#[0-9a-f]{3,8}\b|rgba?\(|"(white|black|steelblue)"/iu, chart.id);
      assert.ok(!('config' in chart.spec), chart.id);
      assert.ok(!('background' in chart.spec), chart.id);
      for (const [, name] of text.matchAll(/"signal":"(cl_[a-z]+)"/gu)) assert.ok(defined.has(name!), `${chart.id}: ${name}`);
    }
  });

  test('the dark palette changes colours only', async () => {
    const chart = labelSharesChart(sample)!;
    const light = await renderSvg(chart, LIGHT_PALETTE);
    const dark = await renderSvg(chart, DARK_PALETTE);
    assert.notEqual(light, dark);
    assert.ok(dark.includes(DARK_PALETTE.background));
    const strip = (s: string) => s.replace(/#[0-9a-f]{6}/giu, '#');
    assert.equal(strip(light), strip(dark));
  });
});
