// Keeps the part-of-speech model out of the Node bundles that analyse (CLI, analysis worker,
// bench): `require('./posModel')` in src/core/metrics/posTagger.ts becomes a require of
// `./pos-model.js` beside the bundle, built from src/core/metrics/posModel.ts. The model is 3.7 MB
// of source; held by every analysis process it cost about 20 MB of resident memory whether or
// not anything was tagged. Web bundles and tests keep it inline (they do not use this plugin).
const POS_MODEL_ENTRY = 'src/core/metrics/posModel.ts';

const posModelBeside = {
  name: 'pos-model-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/posModel$/ }, (args) => {
      if (!/[\\/]posTagger\.ts$/.test(args.importer)) return undefined;
      return { path: './pos-model.js', external: true };
    });
  },
};

module.exports = { posModelBeside, POS_MODEL_ENTRY };
