// Vega's packages below ship no type declarations of their own; the public types live in
// `vega` (vega-typings) and vega-runtime.ts gives the two exports it uses those types.
declare module 'vega-dataflow';
declare module 'vega-transforms';
declare module 'vega-view-transforms';
declare module 'vega-encode';
declare module 'vega-parser';
declare module 'vega-view';
