// The Vega runtime the page needs and nothing more. The `vega` package registers every
// transform (geo, force, hierarchy, voronoi, word clouds, …) and would push the bundle past
// its budget; the host compiles Vega-Lite, and compiled report charts only use the core
// data transforms, the encoders and the view transforms registered here.
import type { parse as VegaParse, View as VegaView } from 'vega';
import { transforms } from 'vega-dataflow';
import * as encode from 'vega-encode';
import { parse as parseSpec } from 'vega-parser';
import * as dataTransforms from 'vega-transforms';
import { extend } from 'vega-util';
import { View as RuntimeView } from 'vega-view';
import * as viewTransforms from 'vega-view-transforms';

extend(transforms, dataTransforms, viewTransforms, encode);

export const parse: typeof VegaParse = parseSpec;
export const View: typeof VegaView = RuntimeView;
export type View = VegaView;
export { expressionInterpreter } from 'vega-interpreter';
